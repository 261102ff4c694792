import type { Catalog } from './en';

export const ptBR: Catalog = {
  'common.greeting': 'Olá, {name},',
  'common.signature': '— {org}',
  'common.support': 'Ajuda e suporte: {supportUrl}',
  'common.dateTime': '{at, date, utc}',

  'verify-email.subject': 'Confirme seu endereço de e-mail para {org}',
  'verify-email.body': 'Confirme que este é o seu endereço de e-mail para {org}. O link abaixo funciona uma única vez e expira em {days, plural, one {# dia} other {# dias}}, em {expiresAt}.',
  'verify-email.action': 'Confirmar meu endereço de e-mail',

  'invitation.subject': 'Você foi convidado para {org}',
  'invitation.body': 'Você foi convidado para {org}. Entre com a organização “{slug}” e o login “{login}”. Escolha sua senha com o link abaixo; ele funciona uma única vez e expira em {days, plural, one {# dia} other {# dias}}, em {expiresAt}.',
  'invitation.action': 'Ativar minha conta',

  'invitation-password.subject': 'Você foi convidado para {org}',
  'invitation-password.body': 'Você foi convidado para {org}. Entre com a organização “{slug}”, o login “{login}” e esta senha temporária:',
  'invitation-password.password': '{temporaryPassword}',
  'invitation-password.next': 'Você escolherá sua própria senha no primeiro acesso.',
  'invitation-password.action': 'Entrar',

  'password-reset.subject': 'Redefina sua senha de {org}',
  'password-reset.body': 'Alguém pediu para redefinir a senha do login “{login}” na organização “{slug}”. Se foi você, use o link abaixo; ele funciona uma única vez e expira em {hours, plural, one {uma hora} other {# horas}}, em {expiresAt}. Ao usá-lo, você sai de todas as sessões.',
  'password-reset.ignore': 'Se não foi você, ignore este e-mail: sua senha continua a mesma.',
  'password-reset.action': 'Escolher uma nova senha',

  'password-changed.subject': 'Sua senha de {org} foi alterada',
  'password-changed.body': 'A senha da sua conta de {org} acabou de ser alterada e suas outras sessões foram encerradas.',
  'password-changed.warning': 'Se não foi você, fale imediatamente com o proprietário da sua organização.',

  'email-changed.subject': 'Seu endereço de e-mail de {org} foi alterado',
  'email-changed.body': 'O endereço de e-mail da sua conta de {org} foi alterado para {newEmail}. As mensagens serão enviadas para lá a partir de agora.',
  'email-changed.warning': 'Se você não esperava por isso, fale com o proprietário da sua organização.',

  'two-factor-changed.subject': 'O login em duas etapas da sua conta de {org} mudou',
  'two-factor-changed.body': 'Na sua conta de {org}: {changeText}.',
  'two-factor-changed.change': '{change, select, enabled {o login em duas etapas foi ativado} disabled {o login em duas etapas foi desativado} recoveryCodes {novos códigos de recuperação foram gerados e os antigos não funcionam mais} reset {o proprietário da organização removeu seu dispositivo de duas etapas} other {as configurações do seu login em duas etapas mudaram}}',
  'two-factor-changed.warning': 'Se não foi você, fale imediatamente com o proprietário da sua organização.',

  'ownership-transferred.subject': 'A propriedade de {org} foi transferida',
  'ownership-transferred.becameOwner': 'Agora você é o proprietário de {org}; {otherLogin} transferiu a organização e agora é administrador.',
  'ownership-transferred.handedOver': 'Você transferiu a propriedade de {org} para {otherLogin}; agora você é administrador.',
  'ownership-transferred.warning': 'Se não era isso que você esperava, fale imediatamente com o novo proprietário.',

  'new-device.subject': 'Novo acesso à sua conta de {org}',
  'new-device.body': 'Sua conta de {org} acabou de ser acessada de um navegador que não era usado recentemente:',
  'new-device.details': 'Quando: {at}. Navegador: {browser}. Sistema: {os}. Endereço IP: {ip}.',
  'new-device.advice': 'Se foi você, não há nada a fazer. Se não, encerre essa sessão na sua página de sessões e altere sua senha imediatamente.',
  'new-device.action': 'Ver minhas sessões',
  'new-device.unknownBrowser': 'um navegador desconhecido',
  'new-device.unknownSystem': 'um sistema desconhecido',

  // ── Passkeys ──
  'passkey-changed.subject': 'As chaves de acesso da sua conta de {org} mudaram',
  'passkey-changed.body': '{changeText}',
  'passkey-changed.change': '{change, select, added {{by, select, owner {O proprietário da organização adicionou a chave de acesso “{passkey}” à sua conta em {at}.} other {Você adicionou a chave de acesso “{passkey}” à sua conta em {at}.}}} other {{by, select, owner {O proprietário da organização removeu a chave de acesso “{passkey}” da sua conta em {at}.} other {Você removeu a chave de acesso “{passkey}” da sua conta em {at}.}}}}',
  'passkey-changed.warning': 'Se não foi você, fale imediatamente com o proprietário da sua organização.',
  'passkey-counter-regression.subject': 'Uma chave de acesso da sua conta de {org} parece ter sido copiada',
  'passkey-counter-regression.body': 'Em {at}, a chave de acesso “{passkey}” da sua conta de {org} respondeu com um contador de assinaturas menor do que antes, como faria uma chave copiada.',
  'passkey-counter-regression.refused': 'Esse acesso foi recusado. Se você não tentou entrar, remova esta chave de acesso e avise o proprietário da sua organização.',
  'passkey-counter-regression.allowed': 'O acesso foi permitido porque a chave de acesso é sincronizada; se não foi você, remova a chave de acesso.',

  // ── Webhooks ──
  'webhook-disabled.subject': 'Um endpoint de webhook de {org} foi desativado',
  'webhook-disabled.described': 'O endpoint de webhook “{description}” em {url} foi desativado: {reasonText}.',
  'webhook-disabled.body': 'O endpoint de webhook em {url} foi desativado: {reasonText}.',
  'webhook-disabled.reason': '{reason, select, gone {ele respondeu 410 Gone} failing {todas as entregas a ele falham há 5 dias} other {ele falhava repetidamente}}',
  'webhook-disabled.next': 'Enquanto estiver desativado, nenhum evento é enfileirado para ele. Corrija o receptor, ative o endpoint de novo e recupere o atraso com GET /v1/events (os mesmos ids de evento).',
  'webhook-disabled.action': 'Abrir as configurações de webhooks',

};
