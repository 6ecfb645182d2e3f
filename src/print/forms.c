/*
 * forms.c - the paper forms of the downtime and how to fill them in: prescription (処方箋), injection order
 * (注射指示箋), lab order (検査依頼書), nursing instruction slip (看護指示票) and admission/transfer record
 * (入退院・転棟記録). Each has a one-page writing guide with a correct example, because staff under forty have
 * never written a paper order and handwriting is misread (Osaka General Medical Center, 2022): drug names in full,
 * the dose per administration with its unit, 「1回1錠 1日3回 毎食後 7日分」, no trailing zero, a zero before the
 * point, 「単位」 written out. The same bodies, with the patient's header filled in, are the pack's order forms.
 */
#include "print_int.h"

#include <string.h>

static const struct {
	const char *title, *file;
} form_names[PF_COUNT] = {
        [PF_PRESCRIPTION] = {"処方箋 (ダウンタイム用) Prescription", "1_prescription.pdf"},
        [PF_INJECTION] = {"注射指示箋 Injection order", "2_injection_order.pdf"},
        [PF_LAB] = {"検査依頼書 Lab order", "3_lab_order.pdf"},
        [PF_NURSING] = {"看護指示票 Nursing instruction slip", "4_nursing_instruction.pdf"},
        [PF_ADT] = {"入退院・転棟記録 Admission / transfer record", "5_admission_transfer.pdf"},
};

const char *print_form_title(enum print_form f)
{
	return form_names[f].title;
}

const char *print_form_file(enum print_form f)
{
	return form_names[f].file;
}

/* A labelled field: the label small, the value (or an empty line to write on) below. */
static void field(struct pdoc *d, double x, double y, double w, double h, const char *label, const char *value)
{
	pdoc_rect(d, x, y, w, h, 0.6);
	pdoc_text(d, x + 3, y + 2, w - 6, 7, PT_GRAY, label);
	if (value && *value)
		pdoc_text(d, x + 3, y + 11, w - 6, 10, PT_BOLD, value);
}

/* The patient header of every form: filled from v, or empty boxes. */
static void header(struct pdoc *d, const struct store_patient_view *v)
{
	struct buf name = {0}, kana = {0}, birth = {0}, allergy = {0}, place = {0};
	if (v) {
		print_full_name(&name, v);
		print_full_kana(&kana, &v->patient);
		print_birth(&birth, v->patient.birth_date, v->today);
		print_allergy_line(&allergy, v);
		if (v->census.in_ward)
			buf_addf(&place, "%s %s-%s  %s", v->census.ward, v->census.room ? v->census.room : "",
			         v->census.bed ? v->census.bed : "", v->census.department ? v->census.department : "");
	}
	double x = PDOC_LEFT, y = d->y, W = PDOC_RIGHT - PDOC_LEFT;
	field(d, x, y, 130, 28, "患者ID Patient ID", v ? v->patient.id : NULL);
	field(d, x + 130, y, 200, 28, "氏名 Name (漢字)", v ? name.data : NULL);
	field(d, x + 330, y, W - 330, 28, "フリガナ Kana", v ? kana.data : NULL);
	y += 28;
	field(d, x, y, 230, 28, "生年月日 Birth date", v ? birth.data : NULL);
	field(d, x + 230, y, 60, 28, "性別 Sex", v ? print_sex_ja(v->patient.sex) : NULL);
	field(d, x + 290, y, W - 290, 28, "病棟・室・床 / 診療科 Ward, bed, department", v ? place.data : NULL);
	y += 28;
	field(d, x, y, W, 30, "アレルギー・禁忌 Allergies (必ず確認 / always check)", v ? allergy.data : NULL);
	y += 30;
	field(d, x, y, W / 2, 28, "指示日時 Date and time", NULL);
	field(d, x + W / 2, y, W / 2, 28, "指示医 (署名) Prescriber (signature)", NULL);
	d->y = y + 36;
	buf_release(&name);
	buf_release(&kana);
	buf_release(&birth);
	buf_release(&allergy);
	buf_release(&place);
}

/* A table of empty rows to write in. */
static void grid(struct pdoc *d, const double *w, const char *const *head, int ncol, int nrows, double rh)
{
	double x = PDOC_LEFT, y = d->y;
	for (int c = 0; c < ncol; c++) {
		pdoc_fill(d, x, y, w[c], 16, 0.88);
		pdoc_rect(d, x, y, w[c], 16, 0.6);
		pdoc_text(d, x + 2, y + 3, w[c] - 4, 8, PT_BOLD | PT_CENTER, head[c]);
		x += w[c];
	}
	y += 16;
	for (int r = 0; r < nrows; r++) {
		x = PDOC_LEFT;
		for (int c = 0; c < ncol; c++) {
			pdoc_rect(d, x, y, w[c], rh, 0.6);
			x += w[c];
		}
		y += rh;
	}
	d->y = y + 8;
}

static void checks(struct pdoc *d, const char *const *items, int n, int per_row)
{
	double cw = (PDOC_RIGHT - PDOC_LEFT) / per_row;
	for (int i = 0; i < n; i++) {
		double x = PDOC_LEFT + (i % per_row) * cw, y = d->y + (i / per_row) * 16;
		pdoc_box(d, x, y + 1, 9);
		pdoc_text(d, x + 13, y, cw - 15, 8.5, 0, items[i]);
	}
	d->y += ((n + per_row - 1) / per_row) * 16 + 6;
}

/* The body of a form below its header: the same on every copy. */
static void body(struct pdoc *d, enum print_form f)
{
	switch (f) {
	case PF_PRESCRIPTION: {
		static const double w[] = {24, 215, 82, 112, 50, 44};
		static const char *const h[] = {"Rp",  "薬品名 (規格まで)", "1回量", "用法 (回数・時点)", "日数",
		                                "確認"};
		static const char *const c[] = {"内服", "外用", "頓用", "院内", "院外", "一般名処方"};
		checks(d, c, 6, 6);
		grid(d, w, h, 6, 10, 34);
		static const char *const s[] = {"アレルギー確認済", "併用薬確認済 (お薬手帳)",
		                                "妊娠の有無確認済", "腎機能確認済",
		                                "調剤者",           "鑑査者"};
		checks(d, s, 6, 3);
		break;
	}
	case PF_INJECTION: {
		static const double w[] = {24, 190, 70, 70, 90, 83};
		static const char *const h[] = {"No",   "薬品名 (規格)", "1回量",
		                                "経路", "速度・時間",    "実施 (時刻・サイン)"};
		grid(d, w, h, 6, 9, 36);
		static const char *const s[] = {"静注 IV",   "点滴静注 DIV",      "筋注 IM",
		                                "皮下注 SC", "指示受け (看護師)", "ダブルチェック済"};
		checks(d, s, 6, 3);
		break;
	}
	case PF_LAB: {
		static const char *const t[] = {"血算 CBC",
		                                "生化学 (肝・腎)",
		                                "電解質 Na/K/Cl",
		                                "CRP",
		                                "血糖 / HbA1c",
		                                "凝固 PT-INR/APTT",
		                                "血液ガス",
		                                "血液型・交差適合",
		                                "尿一般",
		                                "血液培養 2セット",
		                                "感染症 (HBs/HCV/梅毒)",
		                                "心筋マーカー",
		                                "BNP",
		                                "アンモニア",
		                                "乳酸",
		                                "その他 (下欄)"};
		pdoc_heading(d, "検査項目 Tests (☑)");
		checks(d, t, 16, 4);
		static const double w[] = {140, 130, 120, 137};
		static const char *const h[] = {"検体 (血液・尿・他)", "採取日時", "採取者", "至急 / 通常"};
		grid(d, w, h, 4, 4, 28);
		pdoc_heading(d, "その他の検査・臨床情報 Other tests / clinical information");
		grid(d, (const double[]){527}, (const char *const[]){"記載欄"}, 1, 5, 26);
		break;
	}
	case PF_NURSING: {
		static const double w[] = {80, 300, 147};
		static const char *const h[] = {"項目", "指示内容", "指示受け (日時・サイン)"};
		static const char *const items[] = {"安静度", "食事",       "バイタル測定", "酸素",  "点滴管理",
		                                    "創処置", "検温・観察", "指示時の連絡", "その他"};
		double x = PDOC_LEFT, y = d->y;
		grid(d, w, h, 3, 9, 44);
		for (int i = 0; i < 9; i++)
			pdoc_text(d, x + 3, y + 16 + i * 44 + 4, w[0] - 6, 9, PT_BOLD, items[i]);
		break;
	}
	default: {
		static const char *const kinds[] = {"入院 Admission", "転棟 Transfer", "転科",
		                                    "退院 Discharge", "外泊・外出",    "死亡退院"};
		checks(d, kinds, 6, 6);
		static const double w[] = {120, 110, 110, 187};
		static const char *const h[] = {"日時", "移動元 (病棟・床)", "移動先 (病棟・床)", "理由・連絡事項"};
		grid(d, w, h, 4, 6, 34);
		static const char *const s[] = {
		        "リストバンド装着・確認",    "持参薬確認", "アレルギー確認", "感染症確認", "家族連絡",
		        "電子カルテ復旧後に遡及入力"};
		checks(d, s, 6, 3);
	}
	}
	pdoc_text(
	        d, PDOC_LEFT, d->y, PDOC_RIGHT - PDOC_LEFT, 8, PT_GRAY,
	        "この用紙は電子カルテ停止中の記録です。復旧後に遡及入力し、原本は保管してください。"
	        " / Paper record made during the EHR downtime: keep the original; it is entered back after recovery.");
}

/*
 * A form page: the header (filled from v, or blank), then the body. The body is drawn once per document into a
 * recording surface and painted on every copy, so a pack with three forms per patient lays its text out once and
 * the PDF can share it.
 */
void print_form_page(struct pdoc *d, enum print_form f, const struct store_patient_view *v)
{
	header(d, v);
	if (!d->form_body[f]) {
		cairo_rectangle_t ext = {0, 0, PDOC_W, PDOC_H};
		cairo_t *page = d->cr;
		double y0 = d->y;
		d->form_body[f] = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &ext);
		d->cr = cairo_create(d->form_body[f]);
		d->recording_body = 1;
		body(d, f);
		d->recording_body = 0;
		d->form_body_end[f] = d->y;
		d->y = y0;
		cairo_destroy(d->cr);
		d->cr = page;
	}
	cairo_set_source_surface(d->cr, d->form_body[f], 0, 0);
	cairo_paint(d->cr);
	d->y = d->form_body_end[f];
}

static const char *const guide_common[] = {
        "楷書で、1文字ずつはっきり書く。略語・略称は使わない (院内で決めたもの以外)。",
        "訂正は二重線と訂正印 (署名)。修正液・塗りつぶしは使わない。",
        "患者ID・氏名 (漢字とカナ)・生年月日を必ず書き、リストバンドと照合する。",
        "数字: 小数点の前に 0 を書く (0.5 ○ / .5 ×)。末尾の 0 は書かない (5 ○ / 5.0 ×)。",
        "単位は必ず書く: mg, g, mL, μg。「単位」は漢字で書き、U や IU と書かない (0 や 4 と読み違える)。",
};

static void guide_example(struct pdoc *d, const char *label, const char *text)
{
	double h = pdoc_text_height(d, PDOC_RIGHT - PDOC_LEFT - 16, 13, PT_BOLD, text) + 10;
	pdoc_need(d, h + 16);
	pdoc_text(d, PDOC_LEFT, d->y, 300, 8.5, PT_BOLD, label);
	d->y += 13;
	pdoc_rect(d, PDOC_LEFT, d->y, PDOC_RIGHT - PDOC_LEFT, h, 1.4);
	pdoc_text(d, PDOC_LEFT + 8, d->y + 5, PDOC_RIGHT - PDOC_LEFT - 16, 13, PT_BOLD, text);
	d->y += h + 8;
}

static void guide_rules(struct pdoc *d, const char *const *rules, int n)
{
	for (int i = 0; i < n; i++) {
		double h = pdoc_text_height(d, PDOC_RIGHT - PDOC_LEFT - 16, 9.5, 0, rules[i]);
		pdoc_need(d, h + 4);
		pdoc_text(d, PDOC_LEFT + 4, d->y, 12, 9.5, 0, "・");
		pdoc_text(d, PDOC_LEFT + 16, d->y, PDOC_RIGHT - PDOC_LEFT - 16, 9.5, 0, rules[i]);
		d->y += h + 4;
	}
	d->y += 4;
}

void print_form_guide(struct pdoc *d, enum print_form f)
{
	pdoc_heading(d, "記入のしかた Writing guide");
	guide_rules(d, guide_common, (int)LB_ARRAY_LEN(guide_common));
	switch (f) {
	case PF_PRESCRIPTION: {
		static const char *const r[] = {
		        "薬品名は規格まで書く: 「ロキソプロフェンNa錠60mg」(一般名) または「ロキソニン錠60mg」。",
		        "分量は 1回量 で書く (1日量で書かない)。製剤量 (錠・カプセル・包) で書くとき、原薬量 (mg) "
		        "で書くときは"
		        "どちらかを明記する。",
		        "用法は「1日○回」と時点を書く: 毎食後・朝夕食後・就寝前・頓用 (条件と1日の上限)。",
		        "日数は「○日分」、頓用は「○回分」。外用は全量と使い方 (部位・回数) を書く。",
		        "ハイリスク薬 (抗凝固薬・インスリン・抗がん剤など) は指示医が薬剤部へ電話でも確認する。"};
		guide_rules(d, r, 5);
		guide_example(d, "正しい記入例 Correct example (内服)",
		              "Rp1  ロキソプロフェンNa錠60mg\n      1回1錠 1日3回 毎食後 7日分");
		guide_example(
		        d, "正しい記入例 (頓用)",
		        "Rp2  アセトアミノフェン錠200mg  1回2錠\n      疼痛時 (4時間以上あけて 1日4回まで)  5回分");
		guide_example(d, "× 誤りの例 Wrong (このように書かない: 略語・単位なし・末尾の0・U)",
		              "ロキソニン 3T 3×  /  ワーファリン 1.0mg  /  インスリン 4U");
		break;
	}
	case PF_INJECTION: {
		static const char *const r[] = {
		        "薬品名・規格・1回量・経路・速度 (mL/時 または 時間) を書く。希釈液も量まで書く。",
		        "経路は「静注」「点滴静注」「筋注」「皮下注」と漢字で書く (IV/IM の略記は読み違えやすい)。",
		        "インスリン・ヘパリンは「単位」を漢字で書く。カリウム製剤は濃度と速度を必ず書く。",
		        "実施者は時刻とサインを書き、リストバンドと薬剤ラベルを声に出して照合する (ダブルチェック)。"};
		guide_rules(d, r, 4);
		guide_example(d, "正しい記入例 Correct example",
		              "セファゾリンNa注射用1g  1回1g + 生理食塩液100mL\n点滴静注  30分  1日2回 (9時・21時)");
		guide_example(d, "正しい記入例 (インスリン)",
		              "ノボラピッド注フレックスペン  1回6単位  皮下注  毎食直前");
		break;
	}
	case PF_LAB: {
		static const char *const r[] = {
		        "項目は☑で選び、ない項目は「その他」に正式名で書く。",
		        "採取日時・採取者を書く。至急は「至急」に丸をし、電話でも検査室へ伝える。",
		        "検体ラベルにも患者ID・氏名・採取日時を手書きし、依頼書と照合する。",
		        "結果は紙で返る: 受け取った人が日時とサインを書き、指示医に渡す。"};
		guide_rules(d, r, 4);
		guide_example(d, "正しい記入例 Correct example",
		              "☑ 血算  ☑ 生化学  ☑ CRP   血液  11/24 6:00  採取 山田\n至急");
		break;
	}
	case PF_NURSING: {
		static const char *const r[] = {"指示は具体的な数値で書く: 「SpO2 93%未満で O2 2L/分 鼻カニュラ」。",
		                                "条件付き指示は条件・上限・連絡先を書く。",
		                                "指示受けした看護師は日時とサインを書き、復唱する。"};
		guide_rules(d, r, 3);
		guide_example(d, "正しい記入例 Correct example",
		              "バイタル測定: 1日3回 (6時・14時・20時)\n収縮期血圧 90mmHg未満 または "
		              "180mmHg以上で主治医へ連絡 (PHS 1234)");
		break;
	}
	default: {
		static const char *const r[] = {
		        "移動のたびに1行書く: 日時・移動元・移動先・理由。",
		        "入院時はリストバンドを装着し、印刷したリストバンドラベルのIDと照合する。",
		        "病棟一覧 (紙) にも書き加え、対策本部へ人数を報告する。"};
		guide_rules(d, r, 3);
		guide_example(d, "正しい記入例 Correct example",
		              "11/24 14:30  救急外来 → 3A病棟 305号室 2床  肺炎にて入院");
	}
	}
}

int print_forms(const char *out_dir, struct print_stats *st)
{
	int rc = lb_mkdirs(out_dir, 0755);
	struct buf p = {0};
	struct store_meta none = {0};
	struct pdoc all;
	lb_path_join(&p, out_dir, "all_forms.pdf");
	pdoc_init(&all, p.data, "ダウンタイム用紙 Downtime forms", none.as_of);
	for (int f = 0; f < PF_COUNT && rc == 0; f++) {
		struct pdoc d;
		buf_reset(&p);
		lb_path_join(&p, out_dir, print_form_file((enum print_form)f));
		pdoc_init(&d, p.data, print_form_title((enum print_form)f), none.as_of);
		struct pdoc *docs[] = {&d, &all};
		for (int k = 0; k < 2; k++) {
			pdoc_set_title(docs[k], print_form_title((enum print_form)f));
			pdoc_new_page(docs[k]);
			print_form_page(docs[k], (enum print_form)f, NULL);
			struct buf t = {0};
			buf_addf(&t, "記入のしかた — %s", print_form_title((enum print_form)f));
			pdoc_set_title(docs[k], t.data);
			buf_release(&t);
			pdoc_new_page(docs[k]);
			print_form_guide(docs[k], (enum print_form)f);
		}
		rc = pdoc_finish(&d, st);
	}
	if (rc == 0)
		rc = pdoc_finish(&all, st);
	else
		pdoc_discard(&all);
	buf_release(&p);
	return rc;
}
