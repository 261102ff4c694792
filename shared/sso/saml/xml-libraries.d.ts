/**
 * The few declarations Gatehouse uses from @xmldom/xmldom and node-saml's xml module. Their own
 * declaration files pull TypeScript's DOM library into the whole program (`/// <reference
 * lib="dom" />`), which would retype `fetch`, `Response` and friends for every file; importing
 * them through xml-libraries.js keeps TypeScript to these declarations.
 */
export interface XmlNode {
  nodeType: number;
  namespaceURI: string | null;
  localName: string | null;
  textContent: string | null;
  parentNode: XmlNode | null;
  childNodes: ArrayLike<XmlNode>;
  getAttribute(name: string): string | null;
  getElementsByTagNameNS(namespace: string, localName: string): ArrayLike<XmlNode>;
  toString(): string;
}
export interface XmlDocument extends XmlNode {
  documentElement: XmlNode;
}
export declare class DOMParser {
  constructor(options?: { errorHandler?: (level: string, message: unknown) => void });
  parseFromString(source: string, mimeType: string): XmlDocument;
}
export declare const decryptXml: (xml: string, decryptionKey: string | Buffer) => Promise<string>;
