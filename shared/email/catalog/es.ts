import type { Catalog } from './en';

export const es: Catalog = {
  'common.greeting': 'Hola, {name}:',
  'common.signature': '— {org}',
  'common.support': 'Ayuda y soporte: {supportUrl}',
  'common.dateTime': '{at, date, utc}',

  'verify-email.subject': 'Verifica tu dirección de correo para {org}',
  'verify-email.body': 'Confirma que esta es tu dirección de correo para {org}. El enlace de abajo funciona una sola vez y caduca en {days, plural, one {# día} other {# días}}, el {expiresAt}.',
  'verify-email.action': 'Verificar mi dirección de correo',

  'invitation.subject': 'Te han invitado a {org}',
  'invitation.body': 'Te han invitado a {org}. Inicia sesión con la organización «{slug}» y el usuario «{login}». Elige tu contraseña con el enlace de abajo; funciona una sola vez y caduca en {days, plural, one {# día} other {# días}}, el {expiresAt}.',
  'invitation.action': 'Activar mi cuenta',

  'invitation-password.subject': 'Te han invitado a {org}',
  'invitation-password.body': 'Te han invitado a {org}. Inicia sesión con la organización «{slug}», el usuario «{login}» y esta contraseña temporal:',
  'invitation-password.password': '{temporaryPassword}',
  'invitation-password.next': 'Elegirás tu propia contraseña la primera vez que inicies sesión.',
  'invitation-password.action': 'Iniciar sesión',

  'password-reset.subject': 'Restablece tu contraseña de {org}',
  'password-reset.body': 'Alguien pidió restablecer la contraseña del usuario «{login}» en la organización «{slug}». Si fuiste tú, usa el enlace de abajo; funciona una sola vez y caduca en {hours, plural, one {una hora} other {# horas}}, el {expiresAt}. Al usarlo se cerrarán todas tus sesiones.',
  'password-reset.ignore': 'Si no fuiste tú, ignora este correo: tu contraseña no cambia.',
  'password-reset.action': 'Elegir una contraseña nueva',

  'password-changed.subject': 'Se cambió tu contraseña de {org}',
  'password-changed.body': 'Se acaba de cambiar la contraseña de tu cuenta de {org} y se cerraron tus demás sesiones.',
  'password-changed.warning': 'Si no fuiste tú, contacta de inmediato con el propietario de tu organización.',

  'email-changed.subject': 'Se cambió tu dirección de correo de {org}',
  'email-changed.body': 'La dirección de correo de tu cuenta de {org} se cambió a {newEmail}. A partir de ahora los mensajes llegarán allí.',
  'email-changed.warning': 'Si no lo esperabas, contacta con el propietario de tu organización.',

  'two-factor-changed.subject': 'Cambió el inicio de sesión en dos pasos de tu cuenta de {org}',
  'two-factor-changed.body': 'En tu cuenta de {org}: {changeText}.',
  'two-factor-changed.change': '{change, select, enabled {se activó el inicio de sesión en dos pasos} disabled {se desactivó el inicio de sesión en dos pasos} recoveryCodes {se crearon nuevos códigos de recuperación y los anteriores ya no funcionan} reset {el propietario de la organización quitó tu dispositivo de dos pasos} other {cambió la configuración de tu inicio de sesión en dos pasos}}',
  'two-factor-changed.warning': 'Si no fuiste tú, contacta de inmediato con el propietario de tu organización.',

  'ownership-transferred.subject': 'Se transfirió la propiedad de {org}',
  'ownership-transferred.becameOwner': 'Ahora eres el propietario de {org}; {otherLogin} te la cedió y ahora es administrador.',
  'ownership-transferred.handedOver': 'Cediste la propiedad de {org} a {otherLogin}; ahora eres administrador.',
  'ownership-transferred.warning': 'Si no es lo que esperabas, contacta de inmediato con el nuevo propietario.',

  'new-device.subject': 'Nuevo inicio de sesión en tu cuenta de {org}',
  'new-device.body': 'Se acaba de iniciar sesión en tu cuenta de {org} desde un navegador que no se había visto recientemente:',
  'new-device.details': 'Cuándo: {at}. Navegador: {browser}. Sistema: {os}. Dirección IP: {ip}.',
  'new-device.advice': 'Si fuiste tú, no tienes que hacer nada. Si no, cierra esa sesión en tu página de sesiones y cambia tu contraseña de inmediato.',
  'new-device.action': 'Ver mis sesiones',
  'new-device.unknownBrowser': 'un navegador desconocido',
  'new-device.unknownSystem': 'un sistema desconocido',

  // ── Passkeys ──
  'passkey-changed.subject': 'Cambiaron las llaves de acceso de tu cuenta de {org}',
  'passkey-changed.body': '{changeText}',
  'passkey-changed.change': '{change, select, added {{by, select, owner {El propietario de la organización añadió la llave de acceso «{passkey}» a tu cuenta el {at}.} other {Añadiste la llave de acceso «{passkey}» a tu cuenta el {at}.}}} other {{by, select, owner {El propietario de la organización eliminó la llave de acceso «{passkey}» de tu cuenta el {at}.} other {Eliminaste la llave de acceso «{passkey}» de tu cuenta el {at}.}}}}',
  'passkey-changed.warning': 'Si no fuiste tú, contacta de inmediato con el propietario de tu organización.',
  'passkey-counter-regression.subject': 'Una llave de acceso de tu cuenta de {org} parece copiada',
  'passkey-counter-regression.body': 'El {at}, la llave de acceso «{passkey}» de tu cuenta de {org} respondió con un contador de firmas menor que antes, como haría una llave copiada.',
  'passkey-counter-regression.refused': 'Ese inicio de sesión se rechazó. Si no intentaste iniciar sesión, elimina esta llave de acceso y avisa al propietario de tu organización.',
  'passkey-counter-regression.allowed': 'El inicio de sesión se permitió porque la llave de acceso está sincronizada; si no fuiste tú, elimínala.',

  // ── Webhooks ──
  'webhook-disabled.subject': 'Se desactivó un endpoint de webhook de {org}',
  'webhook-disabled.described': 'El endpoint de webhook «{description}» en {url} se desactivó: {reasonText}.',
  'webhook-disabled.body': 'El endpoint de webhook en {url} se desactivó: {reasonText}.',
  'webhook-disabled.reason': '{reason, select, gone {respondió 410 Gone} failing {todas las entregas fallan desde hace 5 días} other {fallaba una y otra vez}}',
  'webhook-disabled.next': 'Mientras esté desactivado no se le encolan eventos. Corrija el receptor, vuelva a activar el endpoint y póngase al día con GET /v1/events (los mismos identificadores de evento).',
  'webhook-disabled.action': 'Abrir la configuración de webhooks',

};
