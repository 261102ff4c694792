/**
 * One fresh process: the CPU an email adds when its template is already compiled (the cached
 * path every send after the first takes): an organization's Liquid template with HTML, and a
 * built-in (text in the branded layout), in a non-English language. Target: under 2 ms.
 */
import { builtinCompiled, compiledFor, renderCompiled, type EmailInput } from '../../shared/email/render';
import { EMAIL_TYPES } from '../../shared/email/types';

const input: EmailInput<'invitation'> = {
  type: 'invitation',
  locale: 'de',
  recipient: { name: 'Ada Lovelace', login: 'ada', email: 'ada@example.com' },
  brand: { orgName: 'Acme AG', slug: 'acme', color: '#aa3300', logoUrl: 'https://app.example.com/v1/orgs/acme/branding/logo?v=3', supportUrl: 'https://help.acme.example', fromName: 'Acme' },
  vars: EMAIL_TYPES.invitation.sample(new Date('2026-12-01T12:00:00Z'), 'https://app.example.com'),
};
const custom = {
  subject: 'Willkommen bei {{ org.name }}, {{ user.name }}',
  text: 'Hallo {{ user.name }},\n\n{{ org.name }} lädt Sie ein. Ihr Login: {{ user.login }}.\n\n{{ link }}\n\nGültig bis {{ expiresAt }}.{% if brand.supportUrl %}\nHilfe: {{ brand.supportUrl }}{% endif %}',
  html: '<!doctype html><html lang="{{ locale }}"><body style="font-family:sans-serif"><div style="background:{{ brand.color | default: "#2f5bea" }}">{% if brand.logoUrl %}<img src="{{ brand.logoUrl }}" alt="{{ org.name }}">{% else %}{{ org.name }}{% endif %}</div><p>Hallo {{ user.name }},</p><p><a href="{{ link }}">Konto aktivieren</a></p><p>Gültig bis {{ expiresAt }}</p></body></html>',
};

function measure(render: () => unknown, runs = 2000) {
  for (let warm = 0; warm < 200; warm += 1) render();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let run = 0; run < runs; run += 1) render();
  const used = process.cpuUsage(cpu);
  return { cpuMs: Math.round(((used.user + used.system) / 1000 / runs) * 1000) / 1000, wallMs: Math.round(((performance.now() - started) / runs) * 1000) / 1000 };
}

process.stdout.write(JSON.stringify({
  custom: measure(() => renderCompiled(compiledFor('bench:invitation:de:1', () => custom), input)),
  builtin: measure(() => renderCompiled(builtinCompiled('invitation', 'de'), input)),
}));
