import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCALES } from '../../shared/i18n/locales';
import { EMAIL_TYPE_NAMES } from '../../shared/email/types';
import { lastEmailTo, useApi } from '../support/api';
import { addMember, uniqueSlug, verifiedOrg } from '../support/factories';

const api = useApi();
let org: Awaited<ReturnType<typeof verifiedOrg>>;
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const png = `data:image/png;base64,${PNG}`;
const svg = (source: string) => `data:image/svg+xml;base64,${Buffer.from(source).toString('base64')}`;

beforeAll(async () => {
  org = await verifiedOrg(api);
}, 60_000);

const put = (body: unknown, headers: Record<string, string> = {}) => api.request('PUT', '/v1/org/branding', { token: org.rootToken, body, headers });

describe('organization branding', () => {
  it('starts empty at version 0 with the sign-up language', async () => {
    const answer = await api.request('GET', '/v1/org/branding', { token: org.rootToken });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      displayName: null, primaryColor: null, logo: null, logoUrl: null, supportUrl: null, fromName: null, defaultLocale: 'en', version: 0, updatedAt: null,
    });
    const withLocale = await api.request('POST', '/v1/orgs', { body: { orgName: 'Lokal', slug: uniqueSlug(), login: 'root', name: 'R', email: 'r@lokal.example.com', password: 'correct horse battery staple 42', locale: 'DE' } });
    expect(withLocale.status).toBe(201);
    expect(withLocale.body.user.locale).toBe('de');
  });

  it('refuses bad fields with 400 (and a large logo with 413), changing nothing', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ defaultLocale: 'en', primaryColor: 'red' }, 400, 'validation_failed'],
      [{ defaultLocale: 'en', primaryColor: '#abc' }, 400, 'validation_failed'],
      [{ defaultLocale: 'en', primaryColor: '#aabbcc; background:url(x)' }, 400, 'validation_failed'],
      [{ defaultLocale: 'en', supportUrl: 'http://help.example.com' }, 400, 'validation_failed'],
      [{ defaultLocale: 'en', supportUrl: 'javascript:alert(1)' }, 400, 'validation_failed'],
      [{ defaultLocale: 'en', supportUrl: 'https://user:pw@help.example.com' }, 400, 'validation_failed'],
      [{ defaultLocale: 'en', fromName: 'Evil <x@y.z>' }, 400, 'validation_failed'],
      [{ defaultLocale: 'en', logo: 'https://example.com/logo.png' }, 400, 'validation_failed'],
      [{ defaultLocale: 'en', logo: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' }, 400, 'validation_failed'],
      [{ defaultLocale: 'en', logo: `data:image/png;base64,${Buffer.from('<svg/>').toString('base64')}` }, 400, 'validation_failed'],
      [{ defaultLocale: 'en', logo: svg('<html><body>not svg</body></html>') }, 400, 'validation_failed'],
      [{ defaultLocale: 'en', logo: `data:image/png;base64,${Buffer.alloc(70_000, 1).toString('base64')}` }, 413, 'logo_too_large'],
      [{ defaultLocale: 'it' }, 400, 'unsupported_locale'],
      [{ defaultLocale: 'de-AT' }, 400, 'unsupported_locale'],
      [{}, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await put(body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(answer.body.code).toBe(code);
    }
    expect((await api.request('GET', '/v1/org/branding', { token: org.rootToken })).body.version).toBe(0);
  });

  it('saves the whole branding, cleans an SVG, and serves it publicly by slug without secrets', async () => {
    const hostileSvg = '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"><script>alert(1)</script><foreignObject><div>x</div></foreignObject><image href="https://evil.example/x.png"/><a href="javascript:alert(1)"><circle r="4" fill="#f00"/></a></svg>';
    const saved = await put({ displayName: 'Acme Corp', primaryColor: '#AA3300', logo: svg(hostileSvg), supportUrl: 'https://help.acme.example/', fromName: 'Acme Support', defaultLocale: 'PT-br' });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ displayName: 'Acme Corp', primaryColor: '#aa3300', defaultLocale: 'pt-BR', version: 1 });
    expect(saved.headers.get('etag')).toBe('"1"');
    const cleaned = Buffer.from(saved.body.logo.split(',')[1], 'base64').toString();
    for (const bad of ['script', 'onload', 'foreignObject', 'evil.example', 'javascript:', 'DOCTYPE', 'ENTITY']) expect(cleaned).not.toContain(bad);
    expect(cleaned).toContain('<circle');

    const stale = await put({ defaultLocale: 'en' }, { 'if-match': '"0"' });
    expect(stale.status).toBe(412);

    const logo = await fetch(saved.body.logoUrl.replace(/^https?:\/\/[^/]+/, api.url));
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toBe('image/svg+xml');
    expect(logo.headers.get('x-content-type-options')).toBe('nosniff');
    expect(logo.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'; sandbox");
    expect(await logo.text()).toBe(cleaned);

    const publicAnswer = await api.request('GET', `/v1/orgs/${org.slug}/branding`);
    expect(publicAnswer.status).toBe(200);
    expect(publicAnswer.body).toEqual({
      displayName: 'Acme Corp', primaryColor: '#aa3300', logoUrl: saved.body.logoUrl, supportUrl: 'https://help.acme.example/',
      defaultLocale: 'pt-BR', locale: 'pt-BR', locales: [...LOCALES],
    });
    expect(publicAnswer.headers.get('vary')).toContain('Accept-Language');

    const pngSaved = await put({ logo: png, defaultLocale: 'pt-BR', displayName: 'Acme Corp', primaryColor: '#aa3300', fromName: 'Acme Support', supportUrl: 'https://help.acme.example/' });
    expect(pngSaved.status).toBe(200);
    const pngLogo = await fetch(pngSaved.body.logoUrl.replace(/^https?:\/\/[^/]+/, api.url));
    expect(pngLogo.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await pngLogo.arrayBuffer()).equals(Buffer.from(PNG, 'base64'))).toBe(true);
  });

  it('negotiates the sign-in language and does not tell whether an organization exists', async () => {
    const unknown = await api.request('GET', `/v1/orgs/${uniqueSlug('none')}/branding`);
    const fresh = await verifiedOrg(api);
    const neverSet = await api.request('GET', `/v1/orgs/${fresh.slug}/branding`);
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual(neverSet.body);
    expect((await api.request('GET', '/v1/orgs/Not_A_Slug!/branding')).status).toBe(400);
    expect((await api.request('GET', `/v1/orgs/${uniqueSlug('none')}/branding/logo`)).status).toBe(404);
    const pick = async (query: string, language?: string) =>
      (await api.request('GET', `/v1/orgs/${fresh.slug}/branding${query}`, { headers: language ? { 'accept-language': language } : {} })).body.locale;
    expect(await pick('?ui_locales=it%20de-AT%20fr')).toBe('de');
    expect(await pick('?ui_locales=zz', 'fr-CA;q=0.5, es-MX;q=0.9, *;q=0.1')).toBe('es');
    expect(await pick('', 'pt-PT')).toBe('pt-BR');
    expect(await pick('', 'it, *')).toBe('en');
    expect(await pick('', 'ja;q=0, en-GB;q=0.2')).toBe('en');
  });
});

describe('the language of users and emails', () => {
  it('lets a user set their locale (any case, answered canonically) and refuses others', async () => {
    const member = await addMember(api, org, org.rootToken, 'developer');
    const set = await api.request('PATCH', '/v1/me', { token: member.accessToken, body: { locale: 'PT-br' } });
    expect(set.status).toBe(200);
    expect(set.body.locale).toBe('pt-BR');
    for (const locale of ['it', 'pt', '', 'de-AT']) {
      const refused = await api.request('PATCH', '/v1/me', { token: member.accessToken, body: { locale } });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('unsupported_locale');
    }
    expect((await api.request('PATCH', '/v1/me', { token: member.accessToken, body: { locale: null } })).body.locale).toBeNull();
  });

  it('sends each email in the recipient’s language, else the organization’s default, with the brand and From name', async () => {
    const invited = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'nihon', name: 'Hana <b>', email: `nihon@${org.slug}.example.com`, role: 'developer', locale: 'ja' } });
    expect(invited.status).toBe(201);
    expect(invited.body.user.locale).toBe('ja');
    const ja = await lastEmailTo(`nihon@${org.slug}.example.com`);
    expect(ja.subject).toBe('Acme Corp に招待されました');
    expect(ja.from).toBe('Acme Support <no-reply@gatehouse.local>');
    expect(ja.body.text).toContain('?lang=ja#token=');
    expect(ja.body.html).toContain('<html lang="ja" dir="ltr">');
    expect(ja.body.html).toContain('Hana &lt;b&gt;');
    expect(ja.body.html).toContain('background:#aa3300');
    expect(ja.body.html).toContain('/branding/logo?v=');

    await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'padrao', name: 'Paula', email: `padrao@${org.slug}.example.com`, role: 'developer' } });
    const pt = await lastEmailTo(`padrao@${org.slug}.example.com`);
    expect(pt.subject).toBe('Você foi convidado para Acme Corp');
    expect(pt.from).toBe('Acme Support <no-reply@gatehouse.local>');
    expect(pt.body.text).toContain('https://help.acme.example/');
  });
});

describe('email templates', () => {
  const path = (type: string, locale: string) => `/v1/org/email-templates/${type}/${locale}`;
  const save = (type: string, locale: string, body: unknown) => api.request('PUT', path(type, locale), { token: org.rootToken, body });

  it('lists every type with its variables and examples', async () => {
    const answer = await api.request('GET', '/v1/org/email-templates', { token: org.rootToken });
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((item: { type: string }) => item.type)).toEqual(EMAIL_TYPE_NAMES);
    const invitation = answer.body.items.find((item: { type: string }) => item.type === 'invitation');
    expect(invitation.variables).toContainEqual(expect.objectContaining({ name: 'link', required: true }));
    expect(invitation.variables).toContainEqual(expect.objectContaining({ name: 'user.login', example: org.root.login }));
  });

  it('hands out every built-in in every language as Liquid that passes its own checks', async () => {
    for (const type of EMAIL_TYPE_NAMES) {
      for (const locale of LOCALES) {
        const builtin = await api.request('GET', path(type, locale), { token: org.rootToken });
        expect(builtin.status).toBe(200);
        expect(builtin.body).toMatchObject({ type, locale, custom: false, version: null });
        const preview = await api.request('POST', `${path(type, locale)}/preview`, {
          token: org.rootToken, body: { subject: builtin.body.subject, text: builtin.body.text, html: builtin.body.html },
        });
        expect(preview.status, `${type} ${locale}: ${preview.text}`).toBe(200);
        expect(preview.body.html).toContain(`lang="${locale}"`);
      }
    }
  });

  it('refuses unknown types (404) and languages (400)', async () => {
    expect((await api.request('GET', path('nope', 'de'), { token: org.rootToken })).status).toBe(404);
    const locale = await api.request('GET', path('invitation', 'it'), { token: org.rootToken });
    expect(locale.status).toBe(400);
    expect(locale.body.code).toBe('unsupported_locale');
  });

  it('refuses a template that leaves out a required variable', async () => {
    const answer = await save('invitation', 'de', { subject: 'Hallo', text: 'Kein Link {% if link %}hier{% endif %} {% raw %}{{ link }}{% endraw %}' });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('missing_variable');
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'text', variable: 'link' })]);
    const html = await save('invitation', 'de', { subject: 'Hallo', text: '{{ link }}', html: '<p>no link</p>' });
    expect(html.body.errors).toEqual([expect.objectContaining({ path: 'html', variable: 'link' })]);
  });

  it('refuses or neutralises hostile templates: never a 5xx, a hang or a file’s content', async () => {
    const hostile: Array<[string, Record<string, string>]> = [
      ['include a file', { subject: 'x', text: "{{ link }}{% include 'package.json' %}" }],
      ['render a file', { subject: 'x', text: "{{ link }}{% render '../package.json' %}" }],
      ['layout', { subject: 'x', text: "{% layout 'package.json' %}{{ link }}" }],
      ['constructor', { subject: '{{ user.constructor }}', text: '{{ link }}' }],
      ['__proto__', { subject: 'x', text: '{{ link }}{{ user.__proto__ }}' }],
      ['prototype method as filter', { subject: 'x', text: '{{ link }}{{ 1 | valueOf }}' }],
      ['unknown variable', { subject: 'x', text: '{{ link }}{{ user.password }}' }],
      ['raw filter in HTML', { subject: 'x', text: '{{ link }}', html: '{{ link }}{{ user.name | raw }}' }],
      ['huge loop', { subject: 'x', text: '{{ link }}{% for i in (1..100000000) %}{{ i }}{% endfor %}' }],
      ['nested loops', { subject: 'x', text: '{{ link }}{% for a in (1..3000) %}{% for b in (1..3000) %}{% for c in (1..3000) %}x{% endfor %}{% endfor %}{% endfor %}' }],
      ['doubling string', { subject: 'x', text: `{{ link }}{% assign s = "xxxxxxxxxxxxxxxx" %}${'{% assign s = s | append: s %}'.repeat(30)}{{ s }}` }],
      ['syntax error', { subject: 'x', text: '{{ link }}{% if %}' }],
      ['unclosed tag', { subject: 'x', text: '{{ link }}{% for i in (1..2) %}' }],
    ];
    for (const [name, body] of hostile) {
      const started = performance.now();
      const answer = await save('invitation', 'fr', body);
      expect(answer.status, `${name}: ${answer.text}`).toBe(400);
      expect(answer.body.code, name).toBe('template_invalid');
      expect(answer.text, name).not.toContain('"name": "gatehouse"');
      expect(answer.text, name).not.toContain('devDependencies');
      expect(answer.body.errors[0].path, name).toMatch(/^(subject|text|html)$/);
      expect(performance.now() - started, name).toBeLessThan(3000);
    }
    const withPosition = await save('invitation', 'fr', { subject: 'x', text: '{{ link }}\n\n  {{ user.password }}' });
    expect(withPosition.body.errors[0]).toMatchObject({ path: 'text', line: 3, column: 6 });
    expect((await api.request('GET', path('invitation', 'fr'), { token: org.rootToken })).body.custom).toBe(false);
  });

  it('uses the organization’s template for its type and language only, escapes values in HTML, and reverts on delete', async () => {
    const saved = await save('invitation', 'de', {
      subject: 'Willkommen bei {{ org.name }}, {{ user.name }}',
      text: 'Hallo {{ user.name }}: {{ link }}',
      html: '<!doctype html><html lang="de"><body><p>Hallo {{ user.name }}</p><a href="{{ link }}">Los</a><script>{{ user.name }}</script></body></html>',
    });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ custom: true, version: 1 });

    const email = (login: string) => `${login}@${org.slug}.example.com`;
    await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'deutsch', name: '<script>alert(1)</script>', email: email('deutsch'), role: 'developer', locale: 'de' } });
    const custom = await lastEmailTo(email('deutsch'));
    expect(custom.subject).toBe('Willkommen bei Acme Corp, <script>alert(1)</script>');
    expect(custom.body.html).not.toContain('<script>alert(1)');
    expect(custom.body.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(custom.body.text).toContain('?lang=de#token=');

    await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'francais', name: 'Fr', email: email('francais'), role: 'developer', locale: 'fr' } });
    expect((await lastEmailTo(email('francais'))).subject).toBe('Vous êtes invité à rejoindre Acme Corp');

    expect((await api.request('DELETE', path('invitation', 'de'), { token: org.rootToken })).status).toBe(204);
    expect((await api.request('DELETE', path('invitation', 'de'), { token: org.rootToken })).status).toBe(204);
    await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'deutsch2', name: 'De', email: email('deutsch2'), role: 'developer', locale: 'de' } });
    expect((await lastEmailTo(email('deutsch2'))).subject).toBe('Sie sind zu Acme Corp eingeladen');

    const audit = await api.request('GET', '/v1/audit-events?limit=50', { token: org.rootToken });
    const actions = audit.body.items.map((item: { action: string }) => item.action);
    expect(actions).toEqual(expect.arrayContaining(['email_template.updated', 'email_template.deleted', 'org.branding_updated']));
  });

  it('replaces a template that fails when sending with the built-in, and audits it', async () => {
    // Passes the checks (rendered for the owner) but exceeds the limits for anyone else.
    const saved = await save('invitation', 'es', {
      subject: 'Hola',
      text: `{{ link }}{% if user.login != "${org.root.login}" %}{% for i in (1..100000000) %}{{ i }}{% endfor %}{% endif %}`,
    });
    expect(saved.status, saved.text).toBe(200);
    const address = `espanol@${org.slug}.example.com`;
    const invited = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'espanol', name: 'Es', email: address, role: 'developer', locale: 'es' } });
    expect(invited.status).toBe(201);
    expect(invited.body.emailDelivery).toBe('sent');
    expect((await lastEmailTo(address)).subject).toBe('Te han invitado a Acme Corp');
    const audit = await api.request('GET', '/v1/audit-events?action=email_template.render_failed', { token: org.rootToken });
    expect(audit.body.items[0]).toMatchObject({ action: 'email_template.render_failed', details: { type: 'invitation', locale: 'es' } });
  });

  it('previews a draft and sends it to the caller’s own address', async () => {
    const preview = await api.request('POST', `${path('password-reset', 'ja')}/preview?send=true`, {
      token: org.rootToken, body: { subject: '{{ org.name }} テスト', text: 'リンク: {{ link }}' },
    });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toMatchObject({ subject: 'Acme Corp テスト', emailDelivery: 'sent' });
    expect(preview.body.text).toContain('sample-link-works-nowhere');
    const mail = await lastEmailTo(org.root.email);
    expect(mail.subject).toBe('Acme Corp テスト');
    const bad = await api.request('POST', `${path('password-reset', 'ja')}/preview`, { token: org.rootToken, body: { subject: 'x', text: '{% include "package.json" %}' } });
    expect(bad.status).toBe(400);
  });

  it('never reads a file even where the engine would', () => {
    // The proof the include test is meaningful: package.json exists where the process runs.
    expect(readFileSync('package.json', 'utf8')).toContain('"name": "gatehouse"');
  });
});
