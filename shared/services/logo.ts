import type { LogoType } from '../data/branding';
import { Problem, validationFailed } from '../errors';

export const LOGO_MAX_BYTES = 65_536;

const invalidLogo = (message: string) => validationFailed([{ path: 'logo', message }]);

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A logo as sent (`data:image/png;base64,…` or `data:image/svg+xml;base64,…`) → the bytes to
 * store: a PNG whose bytes are a PNG (signature, then the IHDR chunk), or an SVG cleaned of
 * everything that could run or fetch (see cleanSvg).
 */
export async function acceptLogo(dataUrl: string): Promise<{ type: LogoType; data: Buffer }> {
  const match = /^data:(image\/png|image\/svg\+xml);base64,([A-Za-z0-9+/]*={0,2})$/.exec(dataUrl);
  if (!match) throw invalidLogo('must be a data: URL of image/png or image/svg+xml in base64');
  const type = match[1] as LogoType;
  const base64 = match[2]!;
  if (base64.length % 4 !== 0) throw invalidLogo('is not valid base64');
  const data = Buffer.from(base64, 'base64');
  if (data.length > LOGO_MAX_BYTES) throw new Problem(413, 'logo_too_large', `The logo may be at most ${LOGO_MAX_BYTES} bytes.`);
  if (data.length === 0) throw invalidLogo('is empty');
  if (type === 'image/png') {
    if (data.length < 33 || !data.subarray(0, 8).equals(PNG_SIGNATURE) || data.subarray(12, 16).toString('latin1') !== 'IHDR') {
      throw invalidLogo('is not a PNG image');
    }
    return { type, data };
  }
  return { type, data: Buffer.from(await cleanSvg(data.toString('utf8')), 'utf8') };
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * DOMPurify (on jsdom, loaded only when a logo is saved) with its SVG profile removes scripts,
 * event handlers and `javascript:`; on top of it: no `foreignObject` or `style` elements, no
 * reference outside the document (`href`/`src` only to `#fragment`), no `url(` to another
 * document, and no DOCTYPE (so no entities). The input must be well-formed XML with an `<svg>`
 * root, and so is what is stored.
 */
export async function cleanSvg(source: string): Promise<string> {
  const { JSDOM } = await import('jsdom');
  const createDOMPurify = (await import('dompurify')).default;
  const { window } = new JSDOM('');
  // The DOCTYPE goes first: entities would otherwise be a way around everything below.
  const withoutDoctype = source.replace(/^\uFEFF/, '').replace(/<!DOCTYPE(?:[^[>]|\[[^\]]*\])*>/gi, '');
  if (/<!ENTITY/i.test(withoutDoctype)) throw invalidLogo('must not declare entities');
  const parsed = new window.DOMParser().parseFromString(withoutDoctype, 'image/svg+xml');
  if (parsed.getElementsByTagName('parsererror').length || parsed.documentElement.localName !== 'svg' || parsed.documentElement.namespaceURI !== SVG_NS) {
    throw invalidLogo('is not a well-formed SVG document');
  }
  const purify = createDOMPurify(window as never);
  const external = (value: string) => !/^\s*#/.test(value);
  purify.addHook('uponSanitizeAttribute', (_node, data) => {
    const name = data.attrName.toLowerCase();
    if ((name === 'href' || name === 'xlink:href' || name === 'src') && external(data.attrValue)) data.keepAttr = false;
    if (/url\(\s*(?!['"]?#)/i.test(data.attrValue)) data.keepAttr = false;
  });
  const cleaned = purify.sanitize(new window.XMLSerializer().serializeToString(parsed.documentElement), {
    USE_PROFILES: { svg: true, svgFilters: true },
    FORBID_TAGS: ['foreignObject', 'style', 'script'],
  }) as unknown as string;
  const check = new window.DOMParser().parseFromString(cleaned, 'image/svg+xml');
  if (!cleaned || check.getElementsByTagName('parsererror').length || check.documentElement.localName !== 'svg') {
    throw invalidLogo('has nothing left to show once cleaned');
  }
  if (!check.documentElement.getAttribute('xmlns')) check.documentElement.setAttribute('xmlns', SVG_NS);
  return new window.XMLSerializer().serializeToString(check.documentElement);
}
