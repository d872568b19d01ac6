// Invented Duo keys for the e2e workspace (not real credentials): the runner reads them from
// the workspace's configuration file, and the emulator is started with the same application.
'use strict';
module.exports = {
  DUO_IKEY: 'DIE2ETESTAPP00000001',
  DUO_SKEY: 'e2eTestSecretKeyNotRealAbCdEfG0123456789',
  DUO_HOST: 'api-e2e00001.duosecurity.com',
};
