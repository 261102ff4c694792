import type { Catalog } from './en';

export const ja: Catalog = {
  'common.greeting': '{name} 様',
  'common.signature': '— {org}',
  'common.support': 'ヘルプとサポート: {supportUrl}',
  'common.dateTime': '{at, date, utc}',

  'verify-email.subject': '{org} のメールアドレスを確認してください',
  'verify-email.body': 'このメールアドレスが {org} で使うあなたのアドレスであることを確認してください。下のリンクは一度だけ使え、{days, plural, other {#日}}後の {expiresAt} に期限切れになります。',
  'verify-email.action': 'メールアドレスを確認する',

  'invitation.subject': '{org} に招待されました',
  'invitation.body': '{org} に招待されました。組織「{slug}」とログイン名「{login}」でサインインします。下のリンクからパスワードを設定してください。リンクは一度だけ使え、{days, plural, other {#日}}後の {expiresAt} に期限切れになります。',
  'invitation.action': 'アカウントを有効にする',

  'invitation-password.subject': '{org} に招待されました',
  'invitation-password.body': '{org} に招待されました。組織「{slug}」、ログイン名「{login}」と次の仮パスワードでサインインしてください:',
  'invitation-password.password': '{temporaryPassword}',
  'invitation-password.next': '初回のサインイン時にご自身のパスワードを設定します。',
  'invitation-password.action': 'サインイン',

  'password-reset.subject': '{org} のパスワードを再設定してください',
  'password-reset.body': '組織「{slug}」のログイン名「{login}」のパスワード再設定が依頼されました。ご本人の場合は下のリンクを使ってください。リンクは一度だけ使え、{hours, plural, other {#時間}}後の {expiresAt} に期限切れになります。使うとすべての端末からサインアウトします。',
  'password-reset.ignore': '心当たりがない場合は、このメールを無視してください。パスワードは変わりません。',
  'password-reset.action': '新しいパスワードを設定する',

  'password-changed.subject': '{org} のパスワードが変更されました',
  'password-changed.body': '{org} のアカウントのパスワードが変更され、ほかのセッションはサインアウトされました。',
  'password-changed.warning': '心当たりがない場合は、すぐに組織のオーナーに連絡してください。',

  'email-changed.subject': '{org} のメールアドレスが変更されました',
  'email-changed.body': '{org} のアカウントのメールアドレスが {newEmail} に変更されました。今後のメッセージはそちらに届きます。',
  'email-changed.warning': '心当たりがない場合は、組織のオーナーに連絡してください。',

  'two-factor-changed.subject': '{org} のアカウントの二要素サインインが変更されました',
  'two-factor-changed.body': '{org} のアカウントで、{changeText}。',
  'two-factor-changed.change': '{change, select, enabled {二要素サインインが有効になりました} disabled {二要素サインインが無効になりました} recoveryCodes {新しいリカバリーコードが作成され、以前のコードは使えなくなりました} reset {組織のオーナーがあなたの二要素デバイスを削除しました} other {二要素サインインの設定が変更されました}}',
  'two-factor-changed.warning': '心当たりがない場合は、すぐに組織のオーナーに連絡してください。',

  'ownership-transferred.subject': '{org} のオーナー権限が移譲されました',
  'ownership-transferred.becameOwner': 'あなたは {org} のオーナーになりました。{otherLogin} が権限を移譲し、現在は管理者です。',
  'ownership-transferred.handedOver': 'あなたは {org} のオーナー権限を {otherLogin} に移譲しました。現在あなたは管理者です。',
  'ownership-transferred.warning': '想定外の場合は、すぐに新しいオーナーに連絡してください。',

  'new-device.subject': '{org} のアカウントへの新しいサインイン',
  'new-device.body': '{org} のアカウントに、最近使われていないブラウザからサインインがありました:',
  'new-device.details': '日時: {at}。ブラウザ: {browser}。システム: {os}。IP アドレス: {ip}。',
  'new-device.advice': 'ご本人の場合は何もする必要はありません。そうでない場合は、セッションのページでそのセッションを終了し、すぐにパスワードを変更してください。',
  'new-device.action': 'セッションを確認する',
  'new-device.unknownBrowser': '不明なブラウザ',
  'new-device.unknownSystem': '不明なシステム',

  // ── Passkeys ──
  'passkey-changed.subject': '{org} のアカウントのパスキーが変更されました',
  'passkey-changed.body': '{changeText}',
  'passkey-changed.change': '{change, select, added {{by, select, owner {{at} に、組織のオーナーがあなたのアカウントにパスキー「{passkey}」を追加しました。} other {{at} に、あなたのアカウントにパスキー「{passkey}」を追加しました。}}} other {{by, select, owner {{at} に、組織のオーナーがあなたのアカウントからパスキー「{passkey}」を削除しました。} other {{at} に、あなたのアカウントからパスキー「{passkey}」を削除しました。}}}}',
  'passkey-changed.warning': '心当たりがない場合は、すぐに組織のオーナーに連絡してください。',
  'passkey-counter-regression.subject': '{org} のアカウントのパスキーが複製された可能性があります',
  'passkey-counter-regression.body': '{at} に、{org} のアカウントのパスキー「{passkey}」が以前より小さい署名カウンターで応答しました。複製されたキーで起こる現象です。',
  'passkey-counter-regression.refused': 'そのサインインは拒否されました。サインインしようとしていない場合は、このパスキーを削除し、組織のオーナーに知らせてください。',
  'passkey-counter-regression.allowed': 'このパスキーは同期されているため、サインインは許可されました。心当たりがない場合は、パスキーを削除してください。',

  // ── Webhooks ──
  'webhook-disabled.subject': '{org} の Webhook エンドポイントが無効になりました',
  'webhook-disabled.described': '{url} の Webhook エンドポイント「{description}」は無効になりました。理由: {reasonText}。',
  'webhook-disabled.body': '{url} の Webhook エンドポイントは無効になりました。理由: {reasonText}。',
  'webhook-disabled.reason': '{reason, select, gone {410 Gone が返されました} failing {5 日間すべての配信が失敗しました} other {失敗が続きました}}',
  'webhook-disabled.next': '無効の間、このエンドポイント宛てのイベントはキューに入りません。受信側を直してエンドポイントを再び有効にし、GET /v1/events で取りこぼしを取得してください (イベント ID は同じです)。',
  'webhook-disabled.action': 'Webhook の設定を開く',

};
