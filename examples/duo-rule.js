/**
 * Require Duo for every interactive login.
 *
 * The Duo keys come from the rule's configuration (Auth0 dashboard > Rules > Settings,
 * or rules-configs/*.json in an auth0-deploy-cli repository), never from the code.
 */
function requireDuo(user, context, callback) {
  // Refresh-token exchanges are not interactive: Duo cannot prompt there.
  if (context.protocol === 'oauth2-refresh-token') {
    return callback(null, user, context);
  }

  context.multifactor = {
    provider: 'duo',
    ikey: configuration.DUO_IKEY,
    skey: configuration.DUO_SKEY,
    host: configuration.DUO_HOST,

    // Ask again on every login instead of remembering the browser for 30 days.
    allowRememberBrowser: false,

    // Users were enrolled in Duo under their email address.
    username: user.email,
  };

  callback(null, user, context);
}
