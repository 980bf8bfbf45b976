import { readFileSync } from 'node:fs';
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFImage, type PDFPage, type RGB } from 'pdf-lib';
import QRCode from 'qrcode';
import type { Language } from '../../../shared/languages.ts';
import { parseHexColor } from '../../../shared/contrast.ts';
import { t } from '../../i18n.ts';
import { localize, type LoadedTenant } from '../tenants/index.ts';
import { formatCsvCode } from './csv-code.ts';
import type { Seal } from './seal.ts';

/** What every issued document needs besides its own data. */
export interface DocumentContext {
  council: LoadedTenant;
  language: Language;
  /** The canonical CSV code (printed grouped). */
  code: string;
  /** `${PUBLIC_URL}/verify/<code>`: printed and encoded in the QR code. */
  verifyUrl: string;
  issuedAt: Date;
  seal: Seal;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;
const INTL_LOCALE: Record<Language, string> = { es: 'es-ES', ca: 'ca-ES', en: 'en-GB' };

/** Date and time in the council's time zone, e.g. "25 de noviembre de 2026, 10:42". */
export function formatDateTime(date: Date, lang: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[lang], { dateStyle: 'long', timeStyle: 'short', timeZone }).format(date);
}

/** A date in the council's time zone, e.g. "25 de noviembre de 2026". */
export function formatDate(date: Date, lang: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[lang], { dateStyle: 'long', timeZone }).format(date);
}

/** A calendar date 'YYYY-MM-DD' (no time zone: a birth date is the same day everywhere). */
export function formatCalendarDate(isoDate: string, lang: Language): string {
  const d = new Date(`${isoDate}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return isoDate;
  return new Intl.DateTimeFormat(INTL_LOCALE[lang], { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }).format(d);
}

/** Euros from integer cents, e.g. "1.234,56 €". */
export function formatMoney(cents: number, lang: Language): string {
  return new Intl.NumberFormat(INTL_LOCALE[lang], { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

function color(hex: string, fallback: RGB): RGB {
  const c = parseHexColor(hex);
  return c ? rgb(c[0] / 255, c[1] / 255, c[2] / 255) : fallback;
}

/**
 * A page-by-page writer with the council's branding: header band, text that wraps and flows onto new pages, a
 * table, and on every page a footer with the CSV code and the QR code to the verification page.
 */
export class BrandedDocument {
  readonly doc: PDFDocument;
  private page!: PDFPage;
  private y = 0;
  private readonly regular: PDFFont;
  private readonly bold: PDFFont;
  private readonly supported: Set<number>;
  private readonly primary: RGB;
  private readonly onPrimary: RGB;
  private readonly text: RGB;
  private readonly logo: PDFImage | undefined;

  private constructor(
    doc: PDFDocument,
    fonts: { regular: PDFFont; bold: PDFFont },
    logo: PDFImage | undefined,
    readonly ctx: DocumentContext,
    readonly title: string,
  ) {
    this.doc = doc;
    this.regular = fonts.regular;
    this.bold = fonts.bold;
    this.supported = new Set(fonts.regular.getCharacterSet());
    const b = ctx.council.profile.branding;
    this.primary = color(b.primaryColor, rgb(0.1, 0.3, 0.55));
    this.onPrimary = color(b.onPrimaryColor, rgb(1, 1, 1));
    this.text = color(b.textColor, rgb(0.1, 0.1, 0.1));
    this.logo = logo;
  }

  static async create(ctx: DocumentContext, title: string, subject: string): Promise<BrandedDocument> {
    const doc = await PDFDocument.create();
    const councilName = localize(ctx.council.profile.names, ctx.language, ctx.council.profile);
    doc.setTitle(title);
    doc.setSubject(subject);
    doc.setAuthor(councilName);
    doc.setCreator('Ventanilla');
    doc.setProducer('Ventanilla');
    doc.setLanguage(INTL_LOCALE[ctx.language]);
    doc.setCreationDate(ctx.issuedAt);
    doc.setModificationDate(ctx.issuedAt);
    const [regular, bold] = await Promise.all([doc.embedFont(StandardFonts.Helvetica), doc.embedFont(StandardFonts.HelveticaBold)]);
    const logo = await embedRasterLogo(doc, ctx.council.logoPath);
    const out = new BrandedDocument(doc, { regular, bold }, logo, ctx, title);
    out.newPage();
    return out;
  }

  /** Standard 14 fonts speak WinAnsi only: keep letters readers need (á, ñ, ç, l·l), fold the rest to ASCII. */
  private safe(s: string): string {
    let out = '';
    for (const ch of s.normalize('NFC')) {
      const cp = ch.codePointAt(0) ?? 63;
      if (this.supported.has(cp) || ch === ' ') out += ch;
      else if (ch === '\n' || ch === '\t') out += ' ';
      else {
        const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
        out += [...base].every((c) => this.supported.has(c.codePointAt(0) ?? 0)) ? base : '?';
      }
    }
    return out;
  }

  private newPage(): void {
    this.page = this.doc.addPage([A4.width, A4.height]);
    const { page } = this;
    const bandHeight = 84;
    page.drawRectangle({ x: 0, y: A4.height - bandHeight, width: A4.width, height: bandHeight, color: this.primary });
    let textX = MARGIN;
    const logoSize = 52;
    const logoY = A4.height - bandHeight + (bandHeight - logoSize) / 2;
    if (this.logo) {
      page.drawImage(this.logo, { x: MARGIN, y: logoY, width: logoSize, height: logoSize });
      textX += logoSize + 14;
    } else if (this.ctx.council.logoPath?.toLowerCase().endsWith('.svg') && drawSimpleSvg(page, this.ctx.council.logoPath, MARGIN, logoY, logoSize)) {
      textX += logoSize + 14;
    }
    const councilName = this.safe(localize(this.ctx.council.profile.names, this.ctx.language, this.ctx.council.profile));
    page.drawText(councilName, { x: textX, y: A4.height - bandHeight / 2 - 6, size: 16, font: this.bold, color: this.onPrimary, maxWidth: A4.width - textX - MARGIN });
    this.drawFooter();
    this.y = A4.height - bandHeight - 40;
  }

  private drawFooter(): void {
    const { page, ctx } = this;
    const qrSize = 78;
    drawQr(page, ctx.verifyUrl, A4.width - MARGIN - qrSize, 36, qrSize);
    page.drawLine({ start: { x: MARGIN, y: 126 }, end: { x: A4.width - MARGIN, y: 126 }, thickness: 0.6, color: this.primary });
    const width = A4.width - 2 * MARGIN - qrSize - 16;
    let y = 104;
    const line = (s: string, font: PDFFont, size: number) => {
      for (const l of this.wrap(s, font, size, width)) {
        page.drawText(l, { x: MARGIN, y, size, font, color: this.text });
        y -= size + 3;
      }
    };
    line(`${t(ctx.language, 'certificates:document.csvLabel')}: ${formatCsvCode(ctx.code)}`, this.bold, 9.5);
    line(t(ctx.language, 'certificates:document.verifyAt', { url: ctx.verifyUrl }), this.regular, 8.5);
    line(t(ctx.language, 'certificates:document.sealNotice', { seal: ctx.seal.commonName }), this.regular, 8.5);
    line(`${t(ctx.language, 'certificates:document.issuedAt')}: ${formatDateTime(ctx.issuedAt, ctx.language, ctx.council.profile.timeZone)}`, this.regular, 8.5);
  }

  private wrap(s: string, font: PDFFont, size: number, width: number): string[] {
    const words: string[] = [];
    for (const w of this.safe(s).split(/\s+/).filter(Boolean)) {
      // Hashes and long references have no spaces: cut them where they reach the edge.
      let rest = w;
      while (font.widthOfTextAtSize(rest, size) > width && rest.length > 1) {
        // The longest prefix that fits, by bisection: a 20,000-character word took minutes of event loop when the
        // cut was searched one character at a time (each step measures the whole prefix).
        let lo = 1;
        let hi = rest.length - 1;
        while (lo < hi) {
          const mid = Math.ceil((lo + hi) / 2);
          if (font.widthOfTextAtSize(rest.slice(0, mid), size) > width) hi = mid - 1;
          else lo = mid;
        }
        const n = lo;
        words.push(rest.slice(0, n));
        rest = rest.slice(n);
      }
      words.push(rest);
    }
    const lines: string[] = [];
    let cur = '';
    for (const w of words) {
      const next = cur ? `${cur} ${w}` : w;
      if (font.widthOfTextAtSize(next, size) <= width || !cur) cur = next;
      else {
        lines.push(cur);
        cur = w;
      }
    }
    if (cur) lines.push(cur);
    return lines;
  }

  /** Room for `height` points above the footer, else a new page. */
  private ensure(height: number): void {
    if (this.y - height < 150) this.newPage();
  }

  heading(s: string): void {
    this.ensure(30);
    for (const l of this.wrap(s, this.bold, 18, A4.width - 2 * MARGIN)) {
      this.page.drawText(l, { x: MARGIN, y: this.y, size: 18, font: this.bold, color: this.primary });
      this.y -= 24;
    }
    this.y -= 8;
  }

  paragraph(s: string, size = 11): void {
    for (const l of this.wrap(s, this.regular, size, A4.width - 2 * MARGIN)) {
      this.ensure(size + 5);
      this.page.drawText(l, { x: MARGIN, y: this.y, size, font: this.regular, color: this.text });
      this.y -= size + 5;
    }
    this.y -= 8;
  }

  /** Label / value pairs in two columns. */
  fields(rows: [label: string, value: string][]): void {
    const labelWidth = 170;
    const valueWidth = A4.width - 2 * MARGIN - labelWidth;
    for (const [label, value] of rows) {
      const labelLines = this.wrap(label, this.bold, 10, labelWidth - 10);
      const valueLines = this.wrap(value, this.regular, 11, valueWidth);
      const h = Math.max(labelLines.length, valueLines.length) * 15;
      this.ensure(h);
      labelLines.forEach((l, i) => this.page.drawText(l, { x: MARGIN, y: this.y - i * 15, size: 10, font: this.bold, color: this.text }));
      valueLines.forEach((l, i) => this.page.drawText(l, { x: MARGIN + labelWidth, y: this.y - i * 15, size: 11, font: this.regular, color: this.text }));
      this.y -= h + 4;
    }
    this.y -= 8;
  }

  /** A table with a coloured header row; `widths` are fractions of the text width. */
  table(headers: string[], rows: string[][], widths: number[]): void {
    const total = A4.width - 2 * MARGIN;
    const xs: number[] = [];
    let x = MARGIN;
    for (const w of widths) {
      xs.push(x);
      x += w * total;
    }
    const drawRow = (cells: string[], isHeader: boolean) => {
      const font = isHeader ? this.bold : this.regular;
      const size = isHeader ? 9 : 10;
      const lines = cells.map((c, i) => this.wrap(c, font, size, (widths[i] ?? 0.2) * total - 8));
      const h = Math.max(1, ...lines.map((l) => l.length)) * (size + 3) + 8;
      this.ensure(h);
      if (isHeader) this.page.drawRectangle({ x: MARGIN, y: this.y - h + size + 2, width: total, height: h, color: this.primary });
      lines.forEach((ls, i) =>
        ls.forEach((l, j) =>
          this.page.drawText(l, { x: (xs[i] ?? MARGIN) + 4, y: this.y - j * (size + 3), size, font, color: isHeader ? this.onPrimary : this.text }),
        ),
      );
      this.y -= h;
      if (!isHeader) this.page.drawLine({ start: { x: MARGIN, y: this.y + size }, end: { x: MARGIN + total, y: this.y + size }, thickness: 0.3, color: rgb(0.75, 0.75, 0.75) });
    };
    drawRow(headers, true);
    for (const r of rows) drawRow(r, false);
    this.y -= 12;
  }
}

async function embedRasterLogo(doc: PDFDocument, logoPath: string | undefined): Promise<PDFImage | undefined> {
  if (!logoPath) return undefined;
  const lower = logoPath.toLowerCase();
  try {
    if (lower.endsWith('.png')) return await doc.embedPng(readCached(logoPath));
    if (lower.endsWith('.jpg') || lower.endsWith('.jpeg')) return await doc.embedJpg(readCached(logoPath));
  } catch {
    // A broken logo must not stop a certificate: the council's name is in the header anyway.
  }
  return undefined;
}

const fileCache = new Map<string, Buffer>();
function readCached(file: string): Buffer {
  let b = fileCache.get(file);
  if (!b) {
    b = readFileSync(file);
    fileCache.set(file, b);
  }
  return b;
}

/** Draws a QR code as vector squares (crisper than an image and no PNG encoding): one rectangle per dark run. */
function drawQr(page: PDFPage, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 2;
  const cell = size / (n + 2 * quiet);
  page.drawRectangle({ x, y, width: size, height: size, color: rgb(1, 1, 1) });
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      if (!qr.modules.get(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && qr.modules.get(r, c)) c++;
      page.drawRectangle({ x: x + (quiet + start) * cell, y: y + size - (quiet + r + 1) * cell, width: (c - start) * cell, height: cell, color: rgb(0, 0, 0) });
    }
  }
}

type SvgShape = { path: string; fill: string };

/**
 * pdf-lib embeds PNG and JPEG only. Simple SVG logos (rect, circle, path, polygon with solid fills: what the demo
 * councils ship) are drawn as vector paths; anything else (gradients, text, transforms) is skipped and the header
 * shows the council's name alone. Returns whether the logo was drawn.
 */
function drawSimpleSvg(page: PDFPage, file: string, x: number, y: number, size: number): boolean {
  const parsed = parseSimpleSvg(readCached(file).toString('utf8'));
  if (!parsed) return false;
  const scale = size / Math.max(parsed.width, parsed.height);
  for (const s of parsed.shapes) {
    const fill = parseHexColor(s.fill);
    if (!fill) continue;
    // drawSvgPath puts the SVG origin (top-left, y down) at (x, y).
    page.drawSvgPath(s.path, { x, y: y + size, scale, color: rgb(fill[0] / 255, fill[1] / 255, fill[2] / 255), borderWidth: 0 });
  }
  return true;
}

const svgCache = new Map<string, { width: number; height: number; shapes: SvgShape[] } | undefined>();

export function parseSimpleSvg(svg: string): { width: number; height: number; shapes: SvgShape[] } | undefined {
  if (svgCache.has(svg)) return svgCache.get(svg);
  const result = parseSvgUncached(svg);
  svgCache.set(svg, result);
  return result;
}

function parseSvgUncached(svg: string): { width: number; height: number; shapes: SvgShape[] } | undefined {
  if (/<(text|image|use|linearGradient|radialGradient|pattern|mask|filter)\b|transform=/.test(svg)) return undefined;
  const vb = /viewBox="\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*"/.exec(svg);
  if (!vb) return undefined;
  const width = Number(vb[1]);
  const height = Number(vb[2]);
  const attrs = (tag: string) => {
    const out: Record<string, string> = {};
    for (const m of tag.matchAll(/([a-zA-Z-]+)="([^"]*)"/g)) if (m[1] && m[2] !== undefined) out[m[1]] = m[2];
    return out;
  };
  const num = (v: string | undefined, d = 0) => (v === undefined ? d : Number(v));
  const shapes: SvgShape[] = [];
  for (const m of svg.matchAll(/<(rect|circle|path|polygon)\b([^>]*)\/?>/g)) {
    const a = attrs(m[2] ?? '');
    const raw = a.fill ?? '#000000';
    // "#fff" -> "#ffffff": the colour parser wants six digits.
    const fill = /^#[0-9a-f]{3}$/i.test(raw) ? `#${[...raw.slice(1)].map((c) => c + c).join('')}` : raw;
    if (!/^#[0-9a-f]{6}$/i.test(fill)) return undefined;
    const tag = m[1] ?? '';
    switch (tag) {
      case 'rect': {
        const rx0 = num(a.x);
        const ry0 = num(a.y);
        const w = num(a.width);
        const h = num(a.height);
        const r = Math.min(num(a.rx, num(a.ry)), w / 2, h / 2);
        const p = r > 0
          ? `M${rx0 + r} ${ry0} H${rx0 + w - r} A${r} ${r} 0 0 1 ${rx0 + w} ${ry0 + r} V${ry0 + h - r} A${r} ${r} 0 0 1 ${rx0 + w - r} ${ry0 + h} H${rx0 + r} A${r} ${r} 0 0 1 ${rx0} ${ry0 + h - r} V${ry0 + r} A${r} ${r} 0 0 1 ${rx0 + r} ${ry0} Z`
          : `M${rx0} ${ry0} H${rx0 + w} V${ry0 + h} H${rx0} Z`;
        shapes.push({ path: p, fill });
        break;
      }
      case 'circle': {
        const cx = num(a.cx);
        const cy = num(a.cy);
        const r = num(a.r);
        shapes.push({ path: `M${cx - r} ${cy} A${r} ${r} 0 1 0 ${cx + r} ${cy} A${r} ${r} 0 1 0 ${cx - r} ${cy} Z`, fill });
        break;
      }
      case 'path':
        if (!a.d) return undefined;
        shapes.push({ path: a.d, fill });
        break;
      case 'polygon':
        if (!a.points) return undefined;
        shapes.push({ path: `M${a.points.trim().replace(/\s+/g, ' L')} Z`.replace(/,/g, ' '), fill });
        break;
      default:
        return undefined;
    }
  }
  return shapes.length > 0 ? { width, height, shapes } : undefined;
}
