import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { LOCALES, type Locale } from '../../shared/i18n/locales';
import { CATALOGS } from '../../shared/email/catalog';
import { builtinCompiled, message, renderCompiled, type BrandView, type EmailInput } from '../../shared/email/render';
import { allMessageKeys, EMAIL_TYPE_NAMES, EMAIL_TYPES, type EmailType } from '../../shared/email/types';

/** The arguments of an ICU message with their kinds (and select/plural options), to compare languages. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (element.type === TYPE.argument) into.add(`${element.value}:text`);
    if (element.type === TYPE.date || element.type === TYPE.time || element.type === TYPE.number) into.add(`${element.value}:${element.type}`);
    if (element.type === TYPE.select) {
      into.add(`${element.value}:select:${Object.keys(element.options).sort().join('|')}`);
      for (const option of Object.values(element.options)) argumentsOf(option.value, into);
    }
    if (element.type === TYPE.plural) {
      into.add(`${element.value}:plural`);
      for (const option of Object.values(element.options)) argumentsOf(option.value, into);
    }
  }
  return into;
}

const APP = 'https://app.example.com';
const brand: BrandView = { orgName: 'Acme', slug: 'acme', color: '#aa3300', logoUrl: null, supportUrl: 'https://help.acme.example', fromName: 'Acme Support' };
const recipient = { name: 'Ada <Lovelace>', login: 'ada', email: 'ada@example.com' };
const now = new Date('2026-12-01T17:45:00Z');
const inputOf = <T extends EmailType>(type: T, locale: Locale): EmailInput<T> => ({
  type, locale, recipient, brand, vars: EMAIL_TYPES[type].sample(now, APP),
});

describe('email catalogs', () => {
  const expected = allMessageKeys().sort();

  it.each(LOCALES)('%s holds every message the email types use, and no other', (locale) => {
    const keys = Object.keys(CATALOGS[locale]).sort();
    expect(keys.filter((key) => !expected.includes(key)), 'unused keys').toEqual([]);
    expect(expected.filter((key) => !keys.includes(key)), 'missing keys').toEqual([]);
  });

  it.each(LOCALES.filter((locale) => locale !== 'en'))('%s uses the same ICU arguments as English in every message', (locale) => {
    for (const key of expected) {
      const english = [...argumentsOf(parse(CATALOGS.en[key as keyof typeof CATALOGS.en]))].sort();
      const translated = [...argumentsOf(parse(CATALOGS[locale][key as keyof typeof CATALOGS.en]))].sort();
      expect(translated, key).toEqual(english);
    }
  });

  it('formats plurals and dates by language', () => {
    expect(message('de', 'verify-email.body', { org: 'X', days: 1, expiresAt: 'E' })).toContain('1 Tag ');
    expect(message('de', 'verify-email.body', { org: 'X', days: 7, expiresAt: 'E' })).toContain('7 Tagen');
    expect(message('ja', 'password-reset.body', { slug: 'acme', login: 'dana', hours: 1, expiresAt: 'E' })).toContain('1時間');
    expect(message('de', 'common.dateTime', { at: now })).toBe('1. Dezember 2026 um 17:45 UTC');
    expect(message('ja', 'common.dateTime', { at: now })).toContain('2026年12月1日');
    expect(message('en', 'common.dateTime', { at: now })).toContain('UTC');
  });
});

describe('built-in emails', () => {
  const cases = EMAIL_TYPE_NAMES.flatMap((type) => LOCALES.map((locale) => [type, locale] as const));

  it.each(cases)('%s in %s renders completely in its language', (type, locale) => {
    const input = inputOf(type, locale);
    const email = renderCompiled(builtinCompiled(type, locale), input);
    expect(email.subject.length).toBeGreaterThan(3);
    expect(email.subject).not.toMatch(/[\r\n]/);
    for (const part of [email.subject, email.text, email.html]) expect(part).not.toMatch(/\{\{|\{%|\[object/);
    expect(email.html).toMatch(new RegExp(`^<!doctype html><html lang="${locale}" dir="ltr">`));
    expect(email.text).toContain('Ada <Lovelace>');
    expect(email.html).toContain('Ada &lt;Lovelace&gt;');
    expect(email.html).not.toContain('<Lovelace>');
    expect(email.text).toContain('— Acme');
    expect(email.html).toContain('https://help.acme.example');
    expect(email.fromName).toBe('Acme Support');
    if (EMAIL_TYPES[type].variables.some((variable) => variable.name === 'link')) {
      expect(email.text).toContain(`lang=${locale}`);
      expect(email.html).toContain('background:#aa3300');
    }
    if (locale !== 'en') {
      const english = renderCompiled(builtinCompiled(type, 'en'), inputOf(type, 'en'));
      expect(email.subject).not.toBe(english.subject);
      const englishLines = new Set(english.text.split('\n').filter((line) => /[a-z]{4} [a-z]/i.test(line) && !line.startsWith('—')));
      for (const line of email.text.split('\n')) expect(englishLines.has(line), `${line} is English`).toBe(false);
    }
  });

  it('writes dates of the email in its language, in UTC', () => {
    const email = renderCompiled(builtinCompiled('new-device', 'fr'), inputOf('new-device', 'fr'));
    expect(email.text).toContain('1 décembre 2026');
    expect(email.text).toContain('UTC');
  });

  it('chooses the sentence by a boolean and by a select', () => {
    const owner = renderCompiled(builtinCompiled('ownership-transferred', 'es'), { ...inputOf('ownership-transferred', 'es'), vars: { becameOwner: true, otherLogin: 'bob' } });
    const previous = renderCompiled(builtinCompiled('ownership-transferred', 'es'), { ...inputOf('ownership-transferred', 'es'), vars: { becameOwner: false, otherLogin: 'bob' } });
    expect(owner.text).toContain('Ahora eres el propietario');
    expect(previous.text).toContain('Cediste la propiedad');
    const reset = renderCompiled(builtinCompiled('two-factor-changed', 'de'), { ...inputOf('two-factor-changed', 'de'), vars: { change: 'reset' } });
    expect(reset.text).toContain('Zwei-Faktor-Gerät entfernt');
    // webhook-disabled: the reason by a select, the description only when the endpoint has one.
    const link = `${APP}/settings/webhooks`;
    const gone = renderCompiled(builtinCompiled('webhook-disabled', 'de'), { ...inputOf('webhook-disabled', 'de'), vars: { endpoint: { url: 'https://hooks.example.com/x', description: null }, reason: 'gone', link } });
    expect(gone.subject).toBe('Ein Webhook-Endpunkt von Acme wurde deaktiviert');
    expect(gone.text).toContain('Der Webhook-Endpunkt unter https://hooks.example.com/x wurde deaktiviert: er hat mit 410 Gone geantwortet.');
    const failing = renderCompiled(builtinCompiled('webhook-disabled', 'en'), { ...inputOf('webhook-disabled', 'en'), vars: { endpoint: { url: 'https://hooks.example.com/x', description: 'CRM <sync>' }, reason: 'failing', link } });
    expect(failing.text).toContain('The webhook endpoint “CRM <sync>” at https://hooks.example.com/x was disabled: every delivery to it has failed for 5 days.');
    expect(failing.html).toContain('CRM &lt;sync&gt;');
  });
});

describe('the From header', () => {
  it('keeps the deployment’s address and quotes or encodes the organization’s name', async () => {
    const { fromAddress } = await import('../../shared/email/address');
    expect(fromAddress('Gatehouse <no-reply@example.com>', null)).toBe('Gatehouse <no-reply@example.com>');
    expect(fromAddress('no-reply@example.com', 'Acme Support')).toBe('Acme Support <no-reply@example.com>');
    expect(fromAddress('Gatehouse <no-reply@example.com>', 'Acme, Inc. "Support"')).toBe('"Acme, Inc. \\"Support\\"" <no-reply@example.com>');
    expect(fromAddress('Gatehouse <no-reply@example.com>', 'Müller GmbH')).toBe(`=?UTF-8?B?${Buffer.from('Müller GmbH').toString('base64')}?= <no-reply@example.com>`);
  });
});
