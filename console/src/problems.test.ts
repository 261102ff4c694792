import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { nextPath } from './next';
import { fieldErrors, fieldSentence, sentenceFor } from './problems';

const problem = (code: string, extra: Partial<ApiError['problem']> = {}) => new ApiError({ status: 400, code, ...extra });

describe('API problems as sentences', () => {
  it('places each errors[] entry beside its field, by the dotted path the API gives', () => {
    const error = problem('validation_failed', {
      errors: [
        { path: 'password', message: 'Too small: expected string to have >=15 characters' },
        { path: 'address.country', message: 'is not an ISO 3166-1 country code' },
        { path: 'query.role', message: 'Invalid option' },
      ],
    });
    expect(fieldErrors(error, {})).toEqual({
      password: 'Use at least 15 characters.',
      'address.country': 'Is not an ISO 3166-1 country code.',
      role: 'Invalid option.',
    });
    expect(sentenceFor(error)).toBe('Please correct the fields marked below.');
  });

  it('puts a problem about one field next to it, and the rest at the top', () => {
    expect(fieldErrors(problem('slug_taken'), { slug_taken: 'slug' })).toEqual({ slug: 'This address is already taken by another organization.' });
    expect(fieldErrors(problem('slug_taken'), {})).toEqual({});
    expect(sentenceFor(problem('precondition_failed'))).toMatch(/^Someone changed this while you were editing/);
  });

  it('says how long to wait when locked, and falls back to the API’s own detail', () => {
    expect(sentenceFor(new ApiError({ status: 429, code: 'too_many_requests' }, 30))).toBe('Too many attempts. Try again in 30 seconds.');
    expect(sentenceFor(new ApiError({ status: 429, code: 'too_many_requests' }, 1))).toBe('Too many attempts. Try again in 1 second.');
    expect(sentenceFor(problem('something_new', { detail: 'A new rule said no.' }))).toBe('A new rule said no.');
    expect(sentenceFor(new TypeError('Failed to fetch'))).toMatch(/could not be reached/);
  });

  it('turns terse messages into sentences', () => {
    expect(fieldSentence('Too big: expected string to have <=64 characters')).toBe('Use at most 64 characters.');
    expect(fieldSentence('Invalid input: expected string, received undefined')).toBe('This is required.');
    expect(fieldSentence('Already a sentence.')).toBe('Already a sentence.');
  });
});

describe('API problems in the console’s language', () => {
  it('translates by code, with the numbers the sentence needs, and never shows the API’s English detail', () => {
    expect(sentenceFor(problem('reauthentication_failed'), 'de')).toBe('Dieses Passwort oder dieser Code stimmt nicht.');
    expect(sentenceFor(problem('passkey_limit'), 'fr')).toBe('Vous avez 20 clés d’accès, le maximum autorisé. Supprimez-en une d’abord.');
    expect(sentenceFor(new ApiError({ status: 429, code: 'too_many_requests' }, 1), 'es')).toBe('Demasiados intentos. Inténtalo de nuevo en 1 segundo.');
    expect(sentenceFor(new ApiError({ status: 429, code: 'too_many_requests' }, 30), 'ja')).toBe('試行回数が多すぎます。30 秒後にもう一度お試しください。');
    expect(sentenceFor(problem('something_new', { detail: 'A new rule said no.' }), 'pt-BR')).toBe('A solicitação foi recusada.');
    expect(sentenceFor(new TypeError('Failed to fetch'), 'de')).toMatch(/Server war nicht erreichbar/);
  });

  it('words field messages in the language, a rule it does not know as a plain sentence', () => {
    expect(fieldSentence('Too small: expected string to have >=15 characters', 'de')).toBe('Verwenden Sie mindestens 15 Zeichen.');
    expect(fieldSentence('Too small: expected number to be >=1', 'fr')).toBe('Indiquez 1 ou plus.');
    expect(fieldSentence('The two passwords are not the same', 'es')).toBe('Las dos contraseñas no coinciden.');
    expect(fieldSentence('is not an ISO 3166-1 country code', 'ja')).toBe('この値は使用できません。');
    expect(fieldSentence('is not an ISO 3166-1 country code', 'en')).toBe('Is not an ISO 3166-1 country code.');
  });
});

describe('the page after login', () => {
  it('goes back where the person was, and never to another site', () => {
    const next = (value: string) => nextPath(new URLSearchParams({ next: value }));
    expect(next('/users/42?tab=tokens')).toBe('/users/42?tab=tokens');
    for (const hostile of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '']) {
      expect(next(hostile)).toBe('/account');
    }
    expect(nextPath(new URLSearchParams())).toBe('/account');
  });
});
