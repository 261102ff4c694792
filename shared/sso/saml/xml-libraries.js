// The XML libraries node-saml itself uses, re-exported under the types of xml-libraries.d.ts.
// This file is plain JavaScript so that TypeScript reads only that declaration file, never the
// libraries' own, which pull the DOM library into the whole program (see the .d.ts). Bundlers
// (esbuild for the Lambdas, tsx locally) resolve these imports to the real packages.
export { DOMParser } from '@xmldom/xmldom';
export { decryptXml } from '@node-saml/node-saml/lib/xml.js';
