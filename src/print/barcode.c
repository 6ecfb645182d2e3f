/*
 * barcode.c - Code 128 through libzint, drawn as vector rectangles with cairo: crisp at any printer resolution,
 * and small in the PDF. The human-readable text is printed by the caller in the label's own font.
 */
#include "print_int.h"

#include <string.h>
#include <zint.h>

int print_code128(cairo_t *cr, double x, double y, double w, double h, const char *text)
{
	struct zint_symbol *z = ZBarcode_Create();
	if (!z)
		lb_oom();
	z->symbology = BARCODE_CODE128;
	z->height = 20;
	z->whitespace_width = 10; /* quiet zone of ten modules on each side, as the standard asks */
	z->show_hrt = 0;
	int zr = ZBarcode_Encode(z, (const unsigned char *)text, (int)strlen(text));
	if (zr >= ZINT_ERROR) {
		int rc = lb_error_tr(LB_EINVAL, "cannot encode '%s' as Code 128: %s",
		                     "'%s' を Code 128 に符号化できません: %s", text, z->errtxt);
		ZBarcode_Delete(z);
		return rc;
	}
	zr = ZBarcode_Buffer_Vector(z, 0);
	if (zr >= ZINT_ERROR || !z->vector || z->vector->width <= 0 || z->vector->height <= 0) {
		int rc = lb_error_tr(LB_EINTERNAL, "cannot draw the barcode of '%s': %s",
		                     "'%s' のバーコードを描けません: %s", text, z->errtxt);
		ZBarcode_Delete(z);
		return rc;
	}
	double sx = w / z->vector->width, sy = h / z->vector->height;
	cairo_save(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (struct zint_vector_rect *r = z->vector->rectangles; r; r = r->next) {
		if (r->colour != -1 && r->colour != 7) /* foreground or black only */
			continue;
		cairo_rectangle(cr, x + r->x * sx, y + r->y * sy, r->width * sx, r->height * sy);
	}
	cairo_fill(cr);
	cairo_restore(cr);
	ZBarcode_Delete(z);
	return 0;
}
