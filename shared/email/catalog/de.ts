import type { Catalog } from './en';

export const de: Catalog = {
  'common.greeting': 'Hallo {name},',
  'common.signature': '— {org}',
  'common.support': 'Hilfe und Support: {supportUrl}',
  'common.dateTime': '{at, date, utc}',

  'verify-email.subject': 'Bestätigen Sie Ihre E-Mail-Adresse für {org}',
  'verify-email.body': 'Bitte bestätigen Sie, dass dies Ihre E-Mail-Adresse für {org} ist. Der Link unten funktioniert einmal und läuft in {days, plural, one {# Tag} other {# Tagen}} ab, am {expiresAt}.',
  'verify-email.action': 'E-Mail-Adresse bestätigen',

  'invitation.subject': 'Sie sind zu {org} eingeladen',
  'invitation.body': 'Sie wurden zu {org} eingeladen. Melden Sie sich mit der Organisation „{slug}“ und dem Anmeldenamen „{login}“ an. Wählen Sie Ihr Passwort über den Link unten; er funktioniert einmal und läuft in {days, plural, one {# Tag} other {# Tagen}} ab, am {expiresAt}.',
  'invitation.action': 'Mein Konto aktivieren',

  'invitation-password.subject': 'Sie sind zu {org} eingeladen',
  'invitation-password.body': 'Sie wurden zu {org} eingeladen. Melden Sie sich mit der Organisation „{slug}“, dem Anmeldenamen „{login}“ und diesem vorläufigen Passwort an:',
  'invitation-password.password': '{temporaryPassword}',
  'invitation-password.next': 'Bei der ersten Anmeldung wählen Sie Ihr eigenes Passwort.',
  'invitation-password.action': 'Anmelden',

  'password-reset.subject': 'Setzen Sie Ihr Passwort für {org} zurück',
  'password-reset.body': 'Jemand hat angefordert, das Passwort des Anmeldenamens „{login}“ in der Organisation „{slug}“ zurückzusetzen. Wenn Sie das waren, verwenden Sie den Link unten; er funktioniert einmal und läuft in {hours, plural, one {einer Stunde} other {# Stunden}} ab, am {expiresAt}. Damit werden Sie überall abgemeldet.',
  'password-reset.ignore': 'Wenn Sie das nicht waren, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert.',
  'password-reset.action': 'Neues Passwort wählen',

  'password-changed.subject': 'Ihr Passwort für {org} wurde geändert',
  'password-changed.body': 'Das Passwort Ihres Kontos bei {org} wurde soeben geändert, und Ihre anderen Sitzungen wurden abgemeldet.',
  'password-changed.warning': 'Wenn Sie das nicht waren, wenden Sie sich sofort an den Inhaber Ihrer Organisation.',

  'email-changed.subject': 'Ihre E-Mail-Adresse für {org} wurde geändert',
  'email-changed.body': 'Die E-Mail-Adresse Ihres Kontos bei {org} wurde in {newEmail} geändert. Nachrichten gehen ab jetzt dorthin.',
  'email-changed.warning': 'Wenn Sie das nicht erwartet haben, wenden Sie sich an den Inhaber Ihrer Organisation.',

  'two-factor-changed.subject': 'Zwei-Faktor-Anmeldung Ihres Kontos bei {org} geändert',
  'two-factor-changed.body': 'Bei Ihrem Konto bei {org}: {changeText}.',
  'two-factor-changed.change': '{change, select, enabled {die Zwei-Faktor-Anmeldung wurde eingeschaltet} disabled {die Zwei-Faktor-Anmeldung wurde ausgeschaltet} recoveryCodes {neue Wiederherstellungscodes wurden erstellt, die alten gelten nicht mehr} reset {der Inhaber der Organisation hat Ihr Zwei-Faktor-Gerät entfernt} other {Ihre Einstellungen zur Zwei-Faktor-Anmeldung wurden geändert}}',
  'two-factor-changed.warning': 'Wenn Sie das nicht waren, wenden Sie sich sofort an den Inhaber Ihrer Organisation.',

  'ownership-transferred.subject': 'Die Inhaberschaft von {org} wurde übertragen',
  'ownership-transferred.becameOwner': 'Sie sind jetzt Inhaber von {org}; {otherLogin} hat die Organisation übergeben und ist jetzt Administrator.',
  'ownership-transferred.handedOver': 'Sie haben die Inhaberschaft von {org} an {otherLogin} übergeben; Sie sind jetzt Administrator.',
  'ownership-transferred.warning': 'Wenn Sie das nicht erwartet haben, wenden Sie sich sofort an den neuen Inhaber.',

  'new-device.subject': 'Neue Anmeldung bei Ihrem Konto bei {org}',
  'new-device.body': 'Bei Ihrem Konto bei {org} hat sich soeben ein Browser angemeldet, der in letzter Zeit nicht verwendet wurde:',
  'new-device.details': 'Wann: {at}. Browser: {browser}. System: {os}. IP-Adresse: {ip}.',
  'new-device.advice': 'Wenn Sie das waren, ist nichts zu tun. Wenn nicht, beenden Sie diese Sitzung auf Ihrer Sitzungsseite und ändern Sie sofort Ihr Passwort.',
  'new-device.action': 'Meine Sitzungen ansehen',
  'new-device.unknownBrowser': 'ein unbekannter Browser',
  'new-device.unknownSystem': 'ein unbekanntes System',

  // ── Passkeys ──
  'passkey-changed.subject': 'Die Passkeys Ihres Kontos bei {org} wurden geändert',
  'passkey-changed.body': '{changeText}',
  'passkey-changed.change': '{change, select, added {{by, select, owner {Der Inhaber der Organisation hat am {at} den Passkey „{passkey}“ zu Ihrem Konto hinzugefügt.} other {Sie haben am {at} den Passkey „{passkey}“ zu Ihrem Konto hinzugefügt.}}} other {{by, select, owner {Der Inhaber der Organisation hat am {at} den Passkey „{passkey}“ aus Ihrem Konto entfernt.} other {Sie haben am {at} den Passkey „{passkey}“ aus Ihrem Konto entfernt.}}}}',
  'passkey-changed.warning': 'Wenn Sie das nicht waren, wenden Sie sich sofort an den Inhaber Ihrer Organisation.',
  'passkey-counter-regression.subject': 'Ein Passkey Ihres Kontos bei {org} scheint kopiert worden zu sein',
  'passkey-counter-regression.body': 'Am {at} hat der Passkey „{passkey}“ Ihres Kontos bei {org} mit einem niedrigeren Signaturzähler als zuvor geantwortet, wie es ein kopierter Schlüssel tun würde.',
  'passkey-counter-regression.refused': 'Diese Anmeldung wurde abgelehnt. Wenn Sie sich nicht anmelden wollten, entfernen Sie diesen Passkey und informieren Sie den Inhaber Ihrer Organisation.',
  'passkey-counter-regression.allowed': 'Die Anmeldung wurde zugelassen, weil der Passkey synchronisiert wird; wenn Sie es nicht waren, entfernen Sie den Passkey.',

  // ── Webhooks ──
  'webhook-disabled.subject': 'Ein Webhook-Endpunkt von {org} wurde deaktiviert',
  'webhook-disabled.described': 'Der Webhook-Endpunkt „{description}“ unter {url} wurde deaktiviert: {reasonText}.',
  'webhook-disabled.body': 'Der Webhook-Endpunkt unter {url} wurde deaktiviert: {reasonText}.',
  'webhook-disabled.reason': '{reason, select, gone {er hat mit 410 Gone geantwortet} failing {jede Zustellung an ihn ist seit 5 Tagen fehlgeschlagen} other {er ist wiederholt fehlgeschlagen}}',
  'webhook-disabled.next': 'Solange er deaktiviert ist, werden keine Ereignisse für ihn vorgemerkt. Beheben Sie den Empfänger, aktivieren Sie den Endpunkt wieder und holen Sie Verpasstes mit GET /v1/events nach (dieselben Ereignis-IDs).',
  'webhook-disabled.action': 'Webhook-Einstellungen öffnen',

};
