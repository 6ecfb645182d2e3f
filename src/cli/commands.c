/*
 * commands.c - the table of lifeboat's commands, in the order `lifeboat --help` shows them.
 * One line per command; its cmd_<name>() lives in cmd_<name>.c.
 */
#include "cli.h"

#include <string.h>

const struct cli_cmd cli_commands[] = {
        {"text", cmd_text, "decode SS-MIX2 / CSV encodings, show search keys and era dates",
         "SS-MIX2・CSVの文字コード変換、検索キーと和暦日付の確認"},
        {"watch", cmd_watch, "watch folders for ransomware behaviour (fanotify/inotify), canaries, alerts",
         "フォルダのランサムウェア挙動を監視 (fanotify/inotify)、おとりファイル、アラート"},
        {"logs", cmd_logs, "read logs as the log rules do: formats, fields (syslog, journald, Windows, VPN, IDS)",
         "ログをログルールと同じように読む: 形式とフィールド (syslog, journald, Windows, VPN, IDS)"},
        {"drill", cmd_drill, "rehearsals: simulated ransomware in a drill folder, reversible",
         "訓練: 訓練フォルダでの疑似ランサムウェア (元に戻せる)"},
        {"synth", cmd_synth, "write a synthetic hospital (SS-MIX2, FHIR, CSV feeds) for drills and tests",
         "訓練・試験用の合成病院 (SS-MIX2, FHIR, CSV) を作成"},
        {"ingest", cmd_ingest, "load SS-MIX2 / FHIR / CSV exports into the clinical store",
         "電子カルテ出力を臨床データストアに取り込む"},
        {"patient", cmd_patient, "show one patient's downtime snapshot", "患者 1 名の情報を表示"},
        {"search", cmd_search, "find patients by name, kana, ID or birth date", "氏名・カナ・ID・生年月日で患者を検索"},
        {"print", cmd_print, "paper for the downtime: ward packs, wristbands, forms, call lists (PDF)",
         "ダウンタイム用の印刷: 病棟一式・リストバンド・用紙・連絡リスト (PDF)"},
        {"rx", cmd_rx, "prescription safety: drug search, allergy/duplicate/interaction/pregnancy/max-dose checks",
         "処方安全: 薬品検索、アレルギー・重複・相互作用・妊婦・極量の確認"},
        {"station", cmd_station, "serve the ward's downtime station (read-only web pages, access log)",
         "病棟のダウンタイム参照端末を起動 (読み取り専用の画面、アクセス記録)"},
        {"user", cmd_user, "add, delete and list the station's users", "参照端末の利用者の追加・削除・一覧"},
        {"incident", cmd_incident, "the cyber-incident timeline: declare, phases, decisions, deadlines, verify",
         "サイバーインシデントの記録: 宣言・フェーズ・決定・報告期限・検証"},
        {"audit", cmd_audit, "the EHR's inventory and its accounts checked against the MHLW checklist",
         "電子カルテの構成・アカウント管理を厚労省チェックリストで点検"},
        {"audit", cmd_audit, "configuration and account audit against the MHLW cybersecurity checklist",
         "厚生労働省サイバーセキュリティ対策チェックリストに沿った構成・アカウントの点検"},
        {"vault", cmd_vault, "ransomware-resilient backup generations", "ランサムウェアに強いバックアップ世代"},
        {"help", cmd_help, "show help for lifeboat or a command", "lifeboat またはコマンドのヘルプを表示"},
        {"version", cmd_version, "show the version and the libraries in use", "バージョンと使用ライブラリを表示"},
        {0},
};

const struct cli_cmd *cli_find(const char *name)
{
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}
