/**
 * Post-login Action: require Duo for every interactive login.
 *
 * Add DUO_IKEY, DUO_SKEY and DUO_HOST as secrets of the Action (auth0-deploy-cli:
 * actions/<name>.json "secrets"); they arrive here as event.secrets.
 */
exports.onExecutePostLogin = async (event, api) => {
  // Refresh-token exchanges are not interactive: Duo cannot prompt there.
  if (event.transaction && event.transaction.protocol === 'oauth2-refresh-token') {
    return;
  }

  api.multifactor.enable('duo', {
    allowRememberBrowser: false,
    providerOptions: {
      ikey: event.secrets.DUO_IKEY,
      skey: event.secrets.DUO_SKEY,
      host: event.secrets.DUO_HOST,
      // Users were enrolled in Duo under their email address.
      username: event.user.email,
    },
  });
};
