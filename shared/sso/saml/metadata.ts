import { certificateBody, normalizeCertificate } from './certificates';
import { NS, XmlRefused, type XmlDocument, children, descendants, escapeXml, parseUntrustedXml, text } from './xml';

export const MAX_METADATA_BYTES = 100 * 1024;
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

export class InvalidMetadata extends Error {}

export interface IdpMetadata {
  entityId: string;
  ssoUrl: string;
  certificates: string[];
}

/**
 * The IdP's metadata as the root uploads it: its entity ID, the HTTP-Redirect SingleSignOnService
 * and the signing certificates (KeyDescriptors without `use`, or `use="signing"`; all of them, for
 * rotation). Its signature, if any, is not relied upon: the root vouches for the file it uploads.
 */
export function parseIdpMetadata(xml: string): IdpMetadata {
  if (Buffer.byteLength(xml) > MAX_METADATA_BYTES) throw new InvalidMetadata('The metadata is larger than 100 KiB.');
  let doc: XmlDocument;
  try {
    doc = parseUntrustedXml(xml);
  } catch (error) {
    throw new InvalidMetadata(error instanceof XmlRefused ? `The metadata is not usable: ${error.message}.` : 'The metadata is not XML.');
  }
  const root = doc.documentElement;
  const entity = root.localName === 'EntityDescriptor' && root.namespaceURI === NS.md ? root : descendants(doc, NS.md, 'EntityDescriptor')[0];
  const descriptor = entity && children(entity, NS.md, 'IDPSSODescriptor')[0];
  if (!entity || !descriptor) throw new InvalidMetadata('The metadata has no IDPSSODescriptor.');
  const entityId = entity.getAttribute('entityID')?.trim();
  if (!entityId) throw new InvalidMetadata('The EntityDescriptor has no entityID.');
  const sso = children(descriptor, NS.md, 'SingleSignOnService').find((service) => service.getAttribute('Binding') === REDIRECT);
  const ssoUrl = sso?.getAttribute('Location')?.trim();
  if (!ssoUrl) throw new InvalidMetadata('The metadata has no HTTP-Redirect SingleSignOnService.');
  const certificates = children(descriptor, NS.md, 'KeyDescriptor')
    .filter((key) => !key.getAttribute('use') || key.getAttribute('use') === 'signing')
    .flatMap((key) => descendants(key, NS.ds, 'X509Certificate'))
    .map((element) => text(element))
    .filter((value): value is string => Boolean(value))
    .map(normalizeCertificate);
  if (certificates.length === 0) throw new InvalidMetadata('The metadata has no signing certificate.');
  return { entityId, ssoUrl, certificates: [...new Set(certificates)] };
}

/**
 * What the IdP admin loads for this connection (shared/api/sso.md): assertions must be signed,
 * requests are signed when the connection says so, and the connection's own certificate is
 * always offered for encryption.
 */
export function serviceProviderMetadata(sp: { entityId: string; acsUrl: string; certificate: string; signRequests: boolean }): string {
  const keyInfo = `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBody(sp.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="${NS.md}" xmlns:ds="${NS.ds}" entityID="${escapeXml(sp.entityId)}">
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAssertionsSigned="true" AuthnRequestsSigned="${sp.signRequests}">
${sp.signRequests ? `    <md:KeyDescriptor use="signing">${keyInfo}</md:KeyDescriptor>\n` : ''}    <md:KeyDescriptor use="encryption">${keyInfo}
      <md:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>
      <md:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes128-gcm"/>
      <md:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>
    <md:AssertionConsumerService Binding="${POST}" Location="${escapeXml(sp.acsUrl)}" index="0" isDefault="true"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>
`;
}
