import { DOMParser, type XmlDocument, type XmlNode } from './xml-libraries.js';

export type { XmlDocument, XmlNode };

export const NS = {
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
} as const;

export class XmlRefused extends Error {}

/**
 * Parses XML that came from outside. A document type declaration (and with it every entity,
 * internal or external) is refused before parsing: SAML never needs one, and it is how XXE and
 * entity-expansion attacks start. Any parse warning or error refuses the document too, so a
 * malformed answer is never read half-way.
 */
export function parseUntrustedXml(text: string): XmlDocument {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlRefused('a document type declaration is not allowed');
  const problems: string[] = [];
  const doc = new DOMParser({
    errorHandler: (level: string, message: unknown) => {
      problems.push(`${level}: ${String(message)}`);
    },
  }).parseFromString(text, 'text/xml');
  if (problems.length || !doc?.documentElement) throw new XmlRefused(`not well-formed XML (${problems[0] ?? 'empty'})`);
  return doc;
}

export const children = (parent: XmlNode, ns: string, name: string): XmlNode[] =>
  Array.from(parent.childNodes).filter((node) => node.nodeType === 1 && node.namespaceURI === ns && node.localName === name);

export const child = (parent: XmlNode, ns: string, name: string): XmlNode | undefined => children(parent, ns, name)[0];

export const descendants = (root: XmlDocument | XmlNode, ns: string, name: string): XmlNode[] =>
  Array.from(root.getElementsByTagNameNS(ns, name));

export const text = (element: XmlNode | undefined): string | undefined => element?.textContent?.trim() || undefined;

export const escapeXml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char]!);
