import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../../shared/i18n/locales';
import { EMAIL_TYPE_NAMES } from '../../../shared/email/types';
import { de } from './de';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import { ja } from './ja';
import { ptBR } from './pt-BR';

const catalogs = { en, de, fr, es, 'pt-BR': ptBR, ja } as Record<string, Record<string, string>>;

function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (element.type === TYPE.argument) into.add(`${element.value}:text`);
    if (element.type === TYPE.number || element.type === TYPE.date || element.type === TYPE.time) into.add(`${element.value}:${element.type}`);
    if (element.type === TYPE.select || element.type === TYPE.plural) {
      into.add(`${element.value}:${element.type === TYPE.select ? `select:${Object.keys(element.options).sort().join('|')}` : 'plural'}`);
      for (const option of Object.values(element.options)) argumentsOf(option.value, into);
    }
  }
  return into;
}

/** The console's source without the catalogs: where a key must be used. */
function sources(dir: string): string {
  return readdirSync(dir).map((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'i18n' ? readFileSync(join(path, 'index.tsx'), 'utf8') : sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? readFileSync(path, 'utf8') : '';
  }).join('\n');
}

describe('console catalogs', () => {
  const keys = Object.keys(en).sort();

  it.each(LOCALES)('%s has exactly the English keys, each with the same ICU arguments', (locale) => {
    expect(Object.keys(catalogs[locale]!).sort()).toEqual(keys);
    for (const key of keys) {
      expect([...argumentsOf(parse(catalogs[locale]![key]!))].sort(), `${locale} ${key}`).toEqual([...argumentsOf(parse(en[key as keyof typeof en]))].sort());
    }
  });

  it('uses every key somewhere in the console (none is left over)', () => {
    const code = sources(join(import.meta.dirname, '..'));
    const unused = keys.filter((key) => {
      if (key.startsWith('templates.type.')) return !EMAIL_TYPE_NAMES.includes(key.slice('templates.type.'.length) as never);
      return !code.includes(`'${key}'`);
    });
    expect(unused).toEqual([]);
    for (const type of EMAIL_TYPE_NAMES) expect(keys, `a console name for the email type ${type}`).toContain(`templates.type.${type}`);
  });
});
