/**
 * Every email Gatehouse sends, as data. Adding an email type is:
 *   1. one entry in EMAIL_TYPES below (its variables, its sample values, how its built-in text is
 *      laid out from catalog messages, and the send-time values it takes in EmailVariables), and
 *   2. its messages, `<type>.<message>`, in every catalog of shared/email/catalog/*.ts.
 * The unit test test/unit/email-catalog.test.ts fails until both agree in all six languages.
 *
 * Built-in templates are not written by hand: they are Liquid generated from the catalog (each
 * ICU argument formatted as the Liquid output of its variable), so a built-in is exactly what
 * an organization would write, and GET of a template hands an editor that same source.
 */

export type TwoFactorChange = 'enabled' | 'disabled' | 'recovery-codes' | 'reset';

/** What each email type takes when it is sent (besides the recipient and the organization). */
export interface EmailVariables {
  'verify-email': { link: string; expiresAt: Date };
  invitation: { link: string; expiresAt: Date };
  'invitation-password': { link: string; temporaryPassword: string };
  'password-reset': { link: string; expiresAt: Date };
  'password-changed': Record<string, never>;
  'email-changed': { newEmail: string };
  'two-factor-changed': { change: TwoFactorChange };
  'ownership-transferred': { becameOwner: boolean; otherLogin: string };
  'new-device': { signIn: { at: Date; browser: string | null; os: string | null; ip: string }; link: string };
  'webhook-disabled': { endpoint: { url: string; description: string | null }; reason: 'gone' | 'failing'; link: string };
  'passkey-changed': { change: 'added' | 'removed'; passkey: { name: string; at: Date; byOwner: boolean } };
  'passkey-counter-regression': { passkey: { name: string; at: Date }; refused: boolean };
}
export type EmailType = keyof EmailVariables;

export interface VariableDef {
  /** The dotted name a template writes: `{{ user.name }}`. */
  name: string;
  required?: boolean;
  description: string;
}

/** A paragraph of the built-in text: a message of the type, or two chosen by a boolean variable. */
export type Block = string | { if: string; then: string; else: string };

/** Formats a catalog message (`<type>.<message>` or `common.<message>`) in the email's language. */
export type Format = (key: string, args?: Record<string, unknown>) => string;
/** A date and time as the email's language writes it, in UTC with the zone named. */
export type FormatDate = (at: Date) => string;

export interface EmailTypeDef<T extends EmailType> {
  description: string;
  /** The type's own variables; every type also has COMMON_VARIABLES. */
  variables: VariableDef[];
  /** Every message of this type in the catalogs (without the `<type>.` prefix). */
  messages: string[];
  /** The built-in text between the greeting and the signature, in order. */
  body: Block[];
  /** A button in the HTML layout (and a `label: link` line in the text), labelled `<type>.action`. */
  action?: boolean;
  /** Numbers the messages use that are fixed for the type (plural arguments). */
  constants?: Record<string, number>;
  /** ICU argument → Liquid expression, beyond COMMON_ARGS. */
  args?: Record<string, string>;
  /** Send-time values → the template's variables (besides user, org, brand and locale). */
  scope: (vars: EmailVariables[T], format: Format, formatDate: FormatDate) => Record<string, unknown>;
  /** Sample send-time values for previews; links work nowhere. */
  sample: (now: Date, appUrl: string) => EmailVariables[T];
}

export const COMMON_VARIABLES: VariableDef[] = [
  { name: 'user.name', description: 'The recipient’s name' },
  { name: 'user.login', description: 'The recipient’s login' },
  { name: 'user.email', description: 'The recipient’s email address' },
  { name: 'org.name', description: 'The organization’s display name (its name when no display name is set)' },
  { name: 'org.slug', description: 'The organization’s slug, as typed on the sign-in page' },
  { name: 'brand.color', description: 'The primary colour (#rrggbb), or null' },
  { name: 'brand.logoUrl', description: 'The URL of the PNG logo, or null (an SVG logo is not shown by most mail programs, so it is null too)' },
  { name: 'brand.supportUrl', description: 'The support URL, or null' },
  { name: 'locale', description: 'The email’s language (en, de, fr, es, pt-BR, ja)' },
];

/** How the built-in templates write each common ICU argument in Liquid. */
export const COMMON_ARGS: Record<string, string> = {
  name: '{{ user.name }}',
  login: '{{ user.login }}',
  email: '{{ user.email }}',
  org: '{{ org.name }}',
  slug: '{{ org.slug }}',
  supportUrl: '{{ brand.supportUrl }}',
  link: '{{ link }}',
};

/** Messages every email uses (the greeting, signature and support line, dates). */
export const COMMON_MESSAGES = ['greeting', 'signature', 'support', 'dateTime'];

const linkVariable = (description: string): VariableDef => ({ name: 'link', required: true, description });
const expiresAtVariable: VariableDef = { name: 'expiresAt', description: 'When the link expires, written in the email’s language, in UTC' };
const sampleToken = 'sample-link-works-nowhere';
const sampleLink = (appUrl: string, page: string) => `${appUrl}${page}#token=${sampleToken}`;
const days = (now: Date, count: number) => new Date(now.getTime() + count * 86400_000);

const defs: { [T in EmailType]: EmailTypeDef<T> } = {
  'verify-email': {
    description: 'Confirms an email address (sign-up, a changed address, a resent link)',
    variables: [linkVariable('The single-use verification link'), expiresAtVariable],
    messages: ['subject', 'body', 'action'],
    body: ['body'],
    action: true,
    constants: { days: 7 },
    args: { expiresAt: '{{ expiresAt }}' },
    scope: (vars, _format, formatDate) => ({ link: vars.link, expiresAt: formatDate(vars.expiresAt) }),
    sample: (now, appUrl) => ({ link: sampleLink(appUrl, '/verify-email'), expiresAt: days(now, 7) }),
  },
  invitation: {
    description: 'Invites a new user, who chooses a password with the link',
    variables: [linkVariable('The single-use activation link'), expiresAtVariable],
    messages: ['subject', 'body', 'action'],
    body: ['body'],
    action: true,
    constants: { days: 7 },
    args: { expiresAt: '{{ expiresAt }}' },
    scope: (vars, _format, formatDate) => ({ link: vars.link, expiresAt: formatDate(vars.expiresAt) }),
    sample: (now, appUrl) => ({ link: sampleLink(appUrl, '/activate'), expiresAt: days(now, 7) }),
  },
  'invitation-password': {
    description: 'Invites a new user with a temporary password, changed at the first sign-in',
    variables: [
      { name: 'temporaryPassword', required: true, description: 'The temporary password' },
      linkVariable('The sign-in page'),
    ],
    messages: ['subject', 'body', 'password', 'next', 'action'],
    body: ['body', 'password', 'next'],
    action: true,
    args: { temporaryPassword: '{{ temporaryPassword }}' },
    scope: (vars) => ({ link: vars.link, temporaryPassword: vars.temporaryPassword }),
    sample: (_now, appUrl) => ({ link: `${appUrl}/login`, temporaryPassword: 'Sample-Password-42' }),
  },
  'password-reset': {
    description: 'A link to choose a new password (forgot password)',
    variables: [linkVariable('The single-use reset link'), expiresAtVariable],
    messages: ['subject', 'body', 'ignore', 'action'],
    body: ['body', 'ignore'],
    action: true,
    constants: { hours: 1 },
    args: { expiresAt: '{{ expiresAt }}' },
    scope: (vars, _format, formatDate) => ({ link: vars.link, expiresAt: formatDate(vars.expiresAt) }),
    sample: (now, appUrl) => ({ link: sampleLink(appUrl, '/reset-password'), expiresAt: new Date(now.getTime() + 3600_000) }),
  },
  'password-changed': {
    description: 'Tells the user their password was changed',
    variables: [],
    messages: ['subject', 'body', 'warning'],
    body: ['body', 'warning'],
    scope: () => ({}),
    sample: () => ({}),
  },
  'email-changed': {
    description: 'Tells the old address that the account’s email address was changed',
    variables: [{ name: 'newEmail', description: 'The new email address' }],
    messages: ['subject', 'body', 'warning'],
    body: ['body', 'warning'],
    args: { newEmail: '{{ newEmail }}' },
    scope: (vars) => ({ newEmail: vars.newEmail }),
    sample: () => ({ newEmail: 'new.address@example.com' }),
  },
  'two-factor-changed': {
    description: 'Tells the user their two-factor sign-in changed',
    variables: [
      { name: 'change', description: 'What changed: enabled, disabled, recovery-codes or reset' },
      { name: 'changeText', description: 'The built-in sentence for the change, in the email’s language' },
    ],
    messages: ['subject', 'body', 'change', 'warning'],
    body: ['body', 'warning'],
    args: { changeText: '{{ changeText }}' },
    // ICU selectors are identifiers, so `recovery-codes` is `recoveryCodes` in the catalogs.
    scope: (vars, format) => ({
      change: vars.change,
      changeText: format('two-factor-changed.change', { change: vars.change === 'recovery-codes' ? 'recoveryCodes' : vars.change }),
    }),
    sample: () => ({ change: 'enabled' }),
  },
  'ownership-transferred': {
    description: 'Tells both users that ownership of the organization changed hands',
    variables: [
      { name: 'becameOwner', description: 'true for the new owner, false for the previous one' },
      { name: 'otherLogin', description: 'The login of the other user' },
    ],
    messages: ['subject', 'becameOwner', 'handedOver', 'warning'],
    body: [{ if: 'becameOwner', then: 'becameOwner', else: 'handedOver' }, 'warning'],
    args: { otherLogin: '{{ otherLogin }}' },
    scope: (vars) => ({ becameOwner: vars.becameOwner, otherLogin: vars.otherLogin }),
    sample: () => ({ becameOwner: true, otherLogin: 'previous.owner' }),
  },
  'new-device': {
    description: 'Tells the user about a sign-in from a browser not seen in 90 days',
    variables: [
      { name: 'signIn.at', description: 'When, written in the email’s language, in UTC' },
      { name: 'signIn.browser', description: 'The browser' },
      { name: 'signIn.os', description: 'The operating system' },
      { name: 'signIn.ip', description: 'The IP address' },
      linkVariable('The sessions page'),
    ],
    messages: ['subject', 'body', 'details', 'advice', 'action', 'unknownBrowser', 'unknownSystem'],
    body: ['body', 'details', 'advice'],
    action: true,
    args: { at: '{{ signIn.at }}', browser: '{{ signIn.browser }}', os: '{{ signIn.os }}', ip: '{{ signIn.ip }}' },
    scope: (vars, format, formatDate) => ({
      link: vars.link,
      signIn: {
        at: formatDate(vars.signIn.at),
        browser: vars.signIn.browser ?? format('new-device.unknownBrowser'),
        os: vars.signIn.os ?? format('new-device.unknownSystem'),
        ip: vars.signIn.ip,
      },
    }),
    sample: (now, appUrl) => ({ link: `${appUrl}/account#sessions`, signIn: { at: now, browser: 'Firefox', os: 'Windows', ip: '203.0.113.7' } }),
  },
  'webhook-disabled': {
    description: 'Tells the owner that Gatehouse disabled a webhook endpoint (it answered 410, or failed for 5 days)',
    variables: [
      { name: 'endpoint.url', description: 'The endpoint’s URL' },
      { name: 'endpoint.description', description: 'The endpoint’s description, or null' },
      { name: 'reason', description: 'Why: gone (it answered 410) or failing (every attempt failed for 5 days)' },
      { name: 'reasonText', description: 'The built-in sentence for the reason, in the email’s language' },
      linkVariable('The webhook settings page'),
    ],
    messages: ['subject', 'described', 'body', 'reason', 'next', 'action'],
    body: [{ if: 'endpoint.description', then: 'described', else: 'body' }, 'next'],
    action: true,
    args: { url: '{{ endpoint.url }}', description: '{{ endpoint.description }}', reasonText: '{{ reasonText }}' },
    scope: (vars, format) => ({
      link: vars.link,
      endpoint: { url: vars.endpoint.url, description: vars.endpoint.description },
      reason: vars.reason,
      reasonText: format('webhook-disabled.reason', { reason: vars.reason }),
    }),
    sample: (_now, appUrl) => ({ link: `${appUrl}/settings/webhooks`, endpoint: { url: 'https://hooks.example.com/gatehouse', description: 'CRM sync' }, reason: 'failing' }),
  },
  'passkey-changed': {
    description: 'Tells the user a passkey was added to or removed from their account, by them or by the organization owner',
    variables: [
      { name: 'change', description: 'What happened: added or removed' },
      { name: 'passkey.name', description: 'The passkey’s name' },
      { name: 'passkey.at', description: 'When, written in the email’s language, in UTC' },
      { name: 'passkey.byOwner', description: 'true when the organization owner made the change, false when the user did' },
      { name: 'changeText', description: 'The built-in sentence for the change (what, which passkey, when, by whom), in the email’s language' },
    ],
    messages: ['subject', 'body', 'change', 'warning'],
    body: ['body', 'warning'],
    args: { changeText: '{{ changeText }}' },
    // Two choices (what, by whom) make four sentences: one ICU message with nested selects, so
    // each language orders its own words; ICU formats it at sending, as for two-factor-changed.
    scope: (vars, format, formatDate) => {
      const at = formatDate(vars.passkey.at);
      return {
        change: vars.change,
        passkey: { name: vars.passkey.name, at, byOwner: vars.passkey.byOwner },
        changeText: format('passkey-changed.change', { change: vars.change, by: vars.passkey.byOwner ? 'owner' : 'user', passkey: vars.passkey.name, at }),
      };
    },
    sample: (now) => ({ change: 'added', passkey: { name: 'YubiKey 5', at: now, byOwner: false } }),
  },
  'passkey-counter-regression': {
    description: 'Tells the user a passkey answered with a signature counter that went backwards (it may have been copied)',
    variables: [
      { name: 'passkey.name', description: 'The passkey’s name' },
      { name: 'passkey.at', description: 'When, written in the email’s language, in UTC' },
      { name: 'refused', description: 'true when the sign-in was refused (a device-bound passkey), false when it was allowed (a synced one)' },
    ],
    messages: ['subject', 'body', 'refused', 'allowed'],
    body: ['body', { if: 'refused', then: 'refused', else: 'allowed' }],
    args: { passkey: '{{ passkey.name }}', at: '{{ passkey.at }}' },
    scope: (vars, _format, formatDate) => ({ passkey: { name: vars.passkey.name, at: formatDate(vars.passkey.at) }, refused: vars.refused }),
    sample: (now) => ({ passkey: { name: 'YubiKey 5', at: now }, refused: true }),
  },
};

export const EMAIL_TYPES = defs as { [T in EmailType]: EmailTypeDef<T> };
/** In PRODUCT.md's order (the order GET /v1/org/email-templates lists them). */
export const EMAIL_TYPE_NAMES = Object.keys(EMAIL_TYPES) as EmailType[];
export const isEmailType = (value: string): value is EmailType => Object.hasOwn(EMAIL_TYPES, value);

export const variablesOf = (type: EmailType): VariableDef[] => [...COMMON_VARIABLES, ...EMAIL_TYPES[type].variables];

/** Every key the catalogs must hold, and no other. */
export const allMessageKeys = (): string[] => [
  ...COMMON_MESSAGES.map((message) => `common.${message}`),
  ...EMAIL_TYPE_NAMES.flatMap((type) => EMAIL_TYPES[type].messages.map((message) => `${type}.${message}`)),
];
