import type { Catalog } from './en';

export const fr: Catalog = {
  'common.greeting': 'Bonjour {name},',
  'common.signature': '— {org}',
  'common.support': 'Aide et assistance : {supportUrl}',
  'common.dateTime': '{at, date, utc}',

  'verify-email.subject': 'Confirmez votre adresse e-mail pour {org}',
  'verify-email.body': 'Veuillez confirmer que cette adresse e-mail est bien la vôtre pour {org}. Le lien ci-dessous ne fonctionne qu’une fois et expire dans {days, plural, one {# jour} other {# jours}}, le {expiresAt}.',
  'verify-email.action': 'Confirmer mon adresse e-mail',

  'invitation.subject': 'Vous êtes invité à rejoindre {org}',
  'invitation.body': 'Vous avez été invité à rejoindre {org}. Connectez-vous avec l’organisation « {slug} » et l’identifiant « {login} ». Choisissez votre mot de passe avec le lien ci-dessous ; il ne fonctionne qu’une fois et expire dans {days, plural, one {# jour} other {# jours}}, le {expiresAt}.',
  'invitation.action': 'Activer mon compte',

  'invitation-password.subject': 'Vous êtes invité à rejoindre {org}',
  'invitation-password.body': 'Vous avez été invité à rejoindre {org}. Connectez-vous avec l’organisation « {slug} », l’identifiant « {login} » et ce mot de passe temporaire :',
  'invitation-password.password': '{temporaryPassword}',
  'invitation-password.next': 'Vous choisirez votre propre mot de passe à votre première connexion.',
  'invitation-password.action': 'Se connecter',

  'password-reset.subject': 'Réinitialisez votre mot de passe {org}',
  'password-reset.body': 'Quelqu’un a demandé la réinitialisation du mot de passe de l’identifiant « {login} » dans l’organisation « {slug} ». Si c’était vous, utilisez le lien ci-dessous ; il ne fonctionne qu’une fois et expire dans {hours, plural, one {une heure} other {# heures}}, le {expiresAt}. L’utiliser vous déconnecte partout.',
  'password-reset.ignore': 'Si ce n’était pas vous, ignorez cet e-mail : votre mot de passe reste inchangé.',
  'password-reset.action': 'Choisir un nouveau mot de passe',

  'password-changed.subject': 'Votre mot de passe {org} a été modifié',
  'password-changed.body': 'Le mot de passe de votre compte {org} vient d’être modifié et vos autres sessions ont été déconnectées.',
  'password-changed.warning': 'Si ce n’était pas vous, contactez immédiatement le propriétaire de votre organisation.',

  'email-changed.subject': 'Votre adresse e-mail {org} a été modifiée',
  'email-changed.body': 'L’adresse e-mail de votre compte {org} a été remplacée par {newEmail}. Les messages y seront désormais envoyés.',
  'email-changed.warning': 'Si vous ne vous y attendiez pas, contactez le propriétaire de votre organisation.',

  'two-factor-changed.subject': 'La connexion à deux facteurs de votre compte {org} a changé',
  'two-factor-changed.body': 'Sur votre compte {org} : {changeText}.',
  'two-factor-changed.change': '{change, select, enabled {la connexion à deux facteurs a été activée} disabled {la connexion à deux facteurs a été désactivée} recoveryCodes {de nouveaux codes de récupération ont été créés et les anciens ne fonctionnent plus} reset {le propriétaire de l’organisation a retiré votre appareil à deux facteurs} other {vos réglages de connexion à deux facteurs ont changé}}',
  'two-factor-changed.warning': 'Si ce n’était pas vous, contactez immédiatement le propriétaire de votre organisation.',

  'ownership-transferred.subject': 'La propriété de {org} a été transférée',
  'ownership-transferred.becameOwner': 'Vous êtes désormais propriétaire de {org} ; {otherLogin} vous l’a transmise et est maintenant administrateur.',
  'ownership-transferred.handedOver': 'Vous avez transmis la propriété de {org} à {otherLogin} ; vous êtes maintenant administrateur.',
  'ownership-transferred.warning': 'Si ce n’est pas ce que vous attendiez, contactez immédiatement le nouveau propriétaire.',

  'new-device.subject': 'Nouvelle connexion à votre compte {org}',
  'new-device.body': 'Votre compte {org} vient d’être utilisé depuis un navigateur qu’il n’avait pas vu récemment :',
  'new-device.details': 'Quand : {at}. Navigateur : {browser}. Système : {os}. Adresse IP : {ip}.',
  'new-device.advice': 'Si c’était vous, il n’y a rien à faire. Sinon, fermez cette session sur votre page des sessions et changez immédiatement votre mot de passe.',
  'new-device.action': 'Voir mes sessions',
  'new-device.unknownBrowser': 'un navigateur inconnu',
  'new-device.unknownSystem': 'un système inconnu',

  // ── Passkeys ──
  'passkey-changed.subject': 'Les clés d’accès de votre compte {org} ont changé',
  'passkey-changed.body': '{changeText}',
  'passkey-changed.change': '{change, select, added {{by, select, owner {Le propriétaire de l’organisation a ajouté la clé d’accès « {passkey} » à votre compte le {at}.} other {Vous avez ajouté la clé d’accès « {passkey} » à votre compte le {at}.}}} other {{by, select, owner {Le propriétaire de l’organisation a supprimé la clé d’accès « {passkey} » de votre compte le {at}.} other {Vous avez supprimé la clé d’accès « {passkey} » de votre compte le {at}.}}}}',
  'passkey-changed.warning': 'Si ce n’était pas vous, contactez immédiatement le propriétaire de votre organisation.',
  'passkey-counter-regression.subject': 'Une clé d’accès de votre compte {org} semble avoir été copiée',
  'passkey-counter-regression.body': 'Le {at}, la clé d’accès « {passkey} » de votre compte {org} a répondu avec un compteur de signature inférieur au précédent, comme le ferait une clé copiée.',
  'passkey-counter-regression.refused': 'Cette connexion a été refusée. Si vous n’avez pas essayé de vous connecter, supprimez cette clé d’accès et prévenez le propriétaire de votre organisation.',
  'passkey-counter-regression.allowed': 'La connexion a été acceptée, car la clé d’accès est synchronisée ; si ce n’était pas vous, supprimez cette clé d’accès.',

  // ── Webhooks ──
  'webhook-disabled.subject': 'Un point de terminaison webhook de {org} a été désactivé',
  'webhook-disabled.described': 'Le point de terminaison webhook « {description} » à l’adresse {url} a été désactivé : {reasonText}.',
  'webhook-disabled.body': 'Le point de terminaison webhook à l’adresse {url} a été désactivé : {reasonText}.',
  'webhook-disabled.reason': '{reason, select, gone {il a répondu 410 Gone} failing {toutes les livraisons échouent depuis 5 jours} other {il échouait sans cesse}}',
  'webhook-disabled.next': 'Aucun événement ne lui est destiné tant qu’il est désactivé. Corrigez le récepteur, réactivez le point de terminaison et rattrapez le retard avec GET /v1/events (les mêmes identifiants d’événement).',
  'webhook-disabled.action': 'Ouvrir les réglages des webhooks',

};
