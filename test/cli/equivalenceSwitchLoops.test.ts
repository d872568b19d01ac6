// The differential check as a real process on Rules whose MFA or denial gate is a `switch` on a login input (or a
// loop over an input list) rather than an `if`: an Action that drops one case must diverge, and a gate the login
// matrix cannot read must be named as NOT TRIED, never pass as a silent "0 divergences".
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCliSync, type CliResult } from '../helpers/cli';
import { createWorkspace } from '../helpers/workspace';

interface Report {
  logins: number;
  agreeing: number;
  notes: { kind: string; message: string }[];
  divergences: { fields: string[]; logins: number; login: string }[];
}

const duo = `context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };`;
const enable = `api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });`;

/** A Rule of `body` lines, where `DUO` asks for Duo and `DENY(msg)` denies. */
const ruleOf = (body: string): string => `function (user, context, callback) {\n${body
  .replaceAll('DUO', duo).replace(/DENY\(('[^']*')\)/g, 'return callback(new UnauthorizedError($1))')}\n  callback(null, user, context);\n}\n`;
/** The Action of `body` lines, in the same words (`DUO` enables Duo, `DENY(msg)` denies). */
const actionOf = (body: string): string => `exports.onExecutePostLogin = async (event, api) => {\n${body
  .replaceAll('DUO', enable).replace(/DENY\(('[^']*')\)/g, 'return api.access.deny($1)')}\n};\n`;

/** The Rule's `if` on the admin client (read by the matrix), so a mutant that drops the rest still asks for Duo somewhere. */
const adminRule = `  if (context.clientID === 'admin-portal') { DUO }`;
const adminAction = `  if (event.client.client_id === 'admin-portal') { DUO }`;

interface Mutant {
  /** What the mutant drops. */
  drops: string;
  action: string;
  /** The smallest login of the divergence, as the report writes it. */
  login: string;
  field: string;
}

interface Shape {
  name: string;
  rule: string;
  action: string;
  mutants: Mutant[];
}

const switches: Shape[] = [
  {
    name: 'a switch on the client with two cases falling through to Duo',
    rule: `  switch (context.clientID) {\n    case 'app-abc':\n    case 'app-def':\n      DUO\n      break;\n    default:\n      break;\n  }`,
    action: `  switch (event.client.client_id) {\n    case 'app-abc':\n    case 'app-def':\n      DUO\n      break;\n    default:\n      break;\n  }`,
    mutants: [
      { drops: 'the second case', action: `  switch (event.client.client_id) {\n    case 'app-abc':\n      DUO\n      break;\n  }`, login: 'context.clientID = "app-def"', field: 'mfa' },
      { drops: 'the first case', action: `  switch (event.client.client_id) {\n    case 'app-def':\n      DUO\n  }`, login: 'context.clientID = "app-abc"', field: 'mfa' },
    ],
  },
  {
    name: 'a switch on the connection whose default denies',
    rule: `  switch (context.connection) {\n    case 'corp-ad':\n      DUO\n      break;\n    case 'google-oauth2':\n      break;\n    default:\n      DENY('Connection not allowed');\n  }`,
    action: `  switch (event.connection.name) {\n    case 'corp-ad':\n      DUO\n      break;\n    case 'google-oauth2':\n      break;\n    default:\n      DENY('Connection not allowed');\n  }`,
    mutants: [
      { drops: 'the case that lets a connection in', action: `  switch (event.connection.name) {\n    case 'corp-ad':\n      DUO\n      break;\n    default:\n      DENY('Connection not allowed');\n  }`, login: 'context.connection = "google-oauth2"', field: 'outcome' },
      // The default mock login's connection matches no case: the default runs there.
      { drops: 'the default', action: `  switch (event.connection.name) {\n    case 'corp-ad':\n      DUO\n      break;\n  }`, login: 'the default mock login', field: 'outcome' },
    ],
  },
  {
    name: 'a switch (true) whose cases are a metadata flag and a comparison',
    rule: `  switch (true) {\n    case user.app_metadata.mfa_required:\n      DUO\n      break;\n    case context.clientID === 'admin-app':\n      DUO\n      break;\n  }`,
    action: `  switch (true) {\n    case event.user.app_metadata.mfa_required:\n      DUO\n      break;\n    case event.client.client_id === 'admin-app':\n      DUO\n      break;\n  }`,
    mutants: [
      { drops: 'the flag case', action: `  switch (true) {\n    case event.client.client_id === 'admin-app':\n      DUO\n      break;\n  }`, login: 'user.app_metadata.mfa_required = true', field: 'mfa' },
      { drops: 'the comparison case', action: `  switch (true) {\n    case event.user.app_metadata.mfa_required:\n      DUO\n      break;\n  }`, login: 'context.clientID = "admin-app"', field: 'mfa' },
    ],
  },
  {
    name: 'a switch on a destructured, lower-cased input inside a helper',
    rule: `  const { connection } = context;\n  function needsDuo(name) {\n    switch (name.toLowerCase()) {\n      case 'corp-ad':\n      case 'okta':\n        return true;\n      default:\n        return false;\n    }\n  }\n  if (needsDuo(connection)) { DUO }`,
    action: `  const connection = event.connection.name;\n  function needsDuo(name) {\n    switch (name.toLowerCase()) {\n      case 'corp-ad':\n      case 'okta':\n        return true;\n      default:\n        return false;\n    }\n  }\n  if (needsDuo(connection)) { DUO }`,
    mutants: [
      { drops: "the 'okta' case", action: `  function needsDuo(name) {\n    switch (name.toLowerCase()) {\n      case 'corp-ad':\n        return true;\n    }\n    return false;\n  }\n  if (needsDuo(event.connection.name)) { DUO }`, login: 'context.connection = "okta"', field: 'mfa' },
    ],
  },
  {
    name: "a switch on a table's value looked up by client",
    rule: `  const APPS = { 'app-abc': 'strict', 'app-def': 'lax' };\n  switch (APPS[context.clientID]) {\n    case 'strict':\n      DUO\n      break;\n  }`,
    action: `  const APPS = { 'app-abc': 'strict', 'app-def': 'lax' };\n  switch (APPS[event.client.client_id]) {\n    case 'strict':\n      DUO\n      break;\n  }`,
    mutants: [
      { drops: "the 'strict' case", action: `  const APPS = { 'app-abc': 'strict', 'app-def': 'lax' };\n  switch (APPS[event.client.client_id]) {\n    case 'lax':\n      DUO\n      break;\n  }`, login: 'context.clientID = "app-abc"', field: 'mfa' },
    ],
  },
  {
    name: 'a switch on each role of the login',
    rule: `  for (const role of context.authorization.roles) {\n    switch (role) {\n      case 'admin':\n      case 'billing':\n        DUO\n        break;\n    }\n  }`,
    action: `  for (const role of event.authorization.roles) {\n    switch (role) {\n      case 'admin':\n      case 'billing':\n        DUO\n        break;\n    }\n  }`,
    mutants: [
      { drops: "the 'billing' case", action: `  for (const role of event.authorization.roles) {\n    switch (role) {\n      case 'admin':\n        DUO\n    }\n  }`, login: 'context.authorization.roles contains "billing"', field: 'mfa' },
    ],
  },
];

const loops: Shape[] = [
  {
    name: 'a for…of over the roles setting a flag',
    rule: `  let mfa = false;\n  for (const r of context.authorization.roles) {\n    if (r === 'admin' || r === 'owner') mfa = true;\n  }\n  if (mfa) { DUO }`,
    action: `  let mfa = false;\n  for (const r of event.authorization.roles) {\n    if (r === 'admin' || r === 'owner') mfa = true;\n  }\n  if (mfa) { DUO }`,
    mutants: [
      { drops: "the 'owner' condition", action: `  let mfa = false;\n  for (const r of event.authorization.roles) {\n    if (r === 'admin') mfa = true;\n  }\n  if (mfa) { DUO }`, login: 'context.authorization.roles contains "owner"', field: 'mfa' },
      { drops: 'the loop', action: '', login: 'context.authorization.roles contains "admin"', field: 'mfa' },
    ],
  },
  {
    name: 'an indexed for over a list kept in a variable',
    rule: `${adminRule}\n  const groups = user.groups || [];\n  for (let i = 0; i < groups.length; i++) {\n    if (groups[i] === 'finance') { DUO }\n  }`,
    action: `${adminAction}\n  const groups = event.user.groups || [];\n  for (let i = 0; i < groups.length; i++) {\n    if (groups[i] === 'finance') { DUO }\n  }`,
    mutants: [{ drops: 'the loop', action: adminAction, login: 'user.groups contains "finance"', field: 'mfa' }],
  },
  {
    name: 'a while loop with an index, and a for whose bound is kept in a name, reading a field of each item',
    rule: `  var roles = context.authorization.roles;\n  var i = 0;\n  while (i < roles.length) {\n    if (roles[i] === 'admin') { DUO }\n    i++;\n  }\n  for (let x = 0, len = context.authentication.methods.length; x < len; x++) {\n    if (context.authentication.methods[x].name === 'federated') { DUO }\n  }`,
    action: `  var roles = event.authorization.roles;\n  var i = 0;\n  while (i < roles.length) {\n    if (roles[i] === 'admin') { DUO }\n    i++;\n  }\n  for (let x = 0, len = event.authentication.methods.length; x < len; x++) {\n    if (event.authentication.methods[x].name === 'federated') { DUO }\n  }`,
    mutants: [
      { drops: 'the while loop', action: `  for (let x = 0, len = event.authentication.methods.length; x < len; x++) {\n    if (event.authentication.methods[x].name === 'federated') { DUO }\n  }`, login: 'context.authorization.roles contains "admin"', field: 'mfa' },
      { drops: 'the for loop', action: `  var roles = event.authorization.roles;\n  for (var i = 0; i < roles.length; i++) if (roles[i] === 'admin') { DUO }`, login: 'context.authentication.methods contains {"name":"federated"}', field: 'mfa' },
    ],
  },
  {
    name: 'a for…of and a some() callback destructuring a field of each item',
    rule: `  for (const { name } of context.authentication.methods) {\n    if (name === 'federated') { DUO }\n  }\n  if (user.identities.some(({ provider }) => provider === 'waad')) { DUO }`,
    action: `  for (const { name } of event.authentication.methods) {\n    if (name === 'federated') { DUO }\n  }\n  if (event.user.identities.some(({ provider }) => provider === 'waad')) { DUO }`,
    mutants: [
      { drops: 'the for…of', action: `  if (event.user.identities.some(({ provider }) => provider === 'waad')) { DUO }`, login: 'context.authentication.methods contains {"name":"federated"}', field: 'mfa' },
      { drops: 'the some()', action: `  for (const { name } of event.authentication.methods) {\n    if (name === 'federated') { DUO }\n  }`, login: 'user.identities contains {"provider":"waad"}', field: 'mfa' },
    ],
  },
  {
    name: 'a for…of and a forEach whose body asks for Duo whatever the item',
    rule: `  for (const factor of user.multifactor || []) { DUO }\n  let device = false;\n  (user.app_metadata.devices || []).forEach(function () { device = true; });\n  if (device) { DUO }`,
    action: `  for (const factor of event.user.multifactor || []) { DUO }\n  let device = false;\n  (event.user.app_metadata.devices || []).forEach(function () { device = true; });\n  if (device) { DUO }`,
    mutants: [
      { drops: 'the for…of', action: `  let device = false;\n  (event.user.app_metadata.devices || []).forEach(function () { device = true; });\n  if (device) { DUO }`, login: 'user.multifactor contains "item"', field: 'mfa' },
      { drops: 'the forEach', action: `  for (const factor of event.user.multifactor || []) { DUO }`, login: 'user.app_metadata.devices contains "item"', field: 'mfa' },
    ],
  },
  {
    name: 'a forEach setting a denial flag',
    rule: `${adminRule}\n  let blocked = false;\n  user.app_metadata.roles.forEach(function (role) {\n    if (role === 'suspended') blocked = true;\n  });\n  if (blocked) DENY('Suspended');`,
    action: `${adminAction}\n  let blocked = false;\n  event.user.app_metadata.roles.forEach(function (role) {\n    if (role === 'suspended') blocked = true;\n  });\n  if (blocked) DENY('Suspended');`,
    mutants: [{ drops: 'the loop', action: adminAction, login: 'user.app_metadata.roles contains "suspended"', field: 'outcome' }],
  },
];

describe('a switch on a login input: each case is tried, and a value matching none', () => {
  const work = createWorkspace({ prefix: 'duo-switch-', packageName: 'duo-switch' });
  const cli = (args: string[]): CliResult => runCliSync(args, { cwd: work.root });
  const report = (run: CliResult): Report => JSON.parse(run.stdout) as Report;

  for (const [i, shape] of switches.entries()) {
    test(`${shape.name}: the faithful Action agrees with no note; each mutant diverges (exit 1)`, () => {
      const rule = work.write(`rules/switch-${i}.js`, ruleOf(shape.rule));
      const faithful = work.write(`switch-${i}-faithful.js`, actionOf(shape.action));
      const agreed = cli(['equivalence', rule, faithful, '--strict', '--format', 'json']);
      assert.equal(agreed.code, 0, agreed.stderr + agreed.stdout);
      assert.deepEqual(report(agreed).notes, []);
      assert.equal(report(agreed).agreeing, report(agreed).logins);
      for (const [j, mutant] of shape.mutants.entries()) {
        const action = work.write(`switch-${i}-mutant-${j}.js`, actionOf(mutant.action));
        const run = cli(['equivalence', rule, action]);
        assert.equal(run.code, 1, `dropping ${mutant.drops}: ${run.stderr}${run.stdout}`);
        assert.match(run.stdout, /^Differential check: \d+ logins, \d+ agree, 1 divergence/);
        assert.ok(run.stdout.includes(`  DIVERGES on ${mutant.field} in `) && run.stdout.includes(`smallest: ${mutant.login}\n`), `dropping ${mutant.drops}: ${run.stdout}`);
      }
    });
  }

  const unread: Array<{ name: string; rule: string; action: string; line: number; shown: string }> = [
    {
      name: 'a switch on how many words a name has',
      rule: `${adminRule}\n  switch (user.name.split(' ').length) {\n    case 3:\n      DUO\n      break;\n  }`,
      action: `${adminAction}\n  switch (event.user.name.split(' ').length) {\n    case 3:\n      DUO\n      break;\n  }`,
      line: 3,
      shown: "switch (user.name.split(' ').length)",
    },
    {
      name: 'a switch (true) case the matrix cannot read',
      rule: `  switch (true) {\n    case context.clientID === 'admin-portal':\n      DUO\n      break;\n    case user.name.split(' ').length > 2:\n      DENY('Too many names');\n  }`,
      action: `  switch (true) {\n    case event.client.client_id === 'admin-portal':\n      DUO\n      break;\n    case event.user.name.split(' ').length > 2:\n      DENY('Too many names');\n  }`,
      line: 6,
      shown: "case user.name.split(' ').length > 2:",
    },
  ];
  for (const [i, c] of unread.entries()) {
    test(`${c.name}: NOT TRIED names the Rule line and the switch; --strict exits 1 for the Action that drops it`, () => {
      const rule = work.write(`rules/unread-switch-${i}.js`, ruleOf(c.rule));
      const dropped = work.write(`unread-switch-${i}-dropped.js`, actionOf(adminAction));
      const run = cli(['equivalence', rule, dropped]);
      assert.equal(run.code, 0, run.stderr + run.stdout);
      assert.match(run.stdout, /^Differential check: \d+ logins, \d+ agree, 0 divergences .*NOT every login the conditions allow was tried/);
      assert.ok(run.stdout.includes(`  NOT TRIED: unread-switch-${i}.js line ${c.line}: \`${c.shown}\` decides `), run.stdout);
      assert.equal(cli(['equivalence', rule, dropped, '--strict']).code, 1);
      // The note is about the Rule: the faithful Action gets the same one.
      const faithful = work.write(`unread-switch-${i}-faithful.js`, actionOf(c.action));
      const agreed = cli(['equivalence', rule, faithful, '--format', 'json']);
      assert.equal(agreed.code, 0, agreed.stderr + agreed.stdout);
      assert.deepEqual(report(agreed).notes, report(cli(['equivalence', rule, dropped, '--format', 'json'])).notes);
    });
  }

  test('a switch on a setting (configuration, event.secrets) or an API answer is no login input: no note', () => {
    const rule = work.write('rules/switch-settings.js', ruleOf(`${adminRule}\n  switch (configuration.MODE) {\n    case 'strict':\n      DUO\n      break;\n  }`));
    const action = work.write('switch-settings-action.js', actionOf(`${adminAction}\n  switch (event.secrets.MODE) {\n    case 'strict':\n      DUO\n      break;\n  }`));
    const run = cli(['equivalence', rule, action, '--strict', '--format', 'json']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.deepEqual(report(run).notes, []);
    const answer = work.write('rules/switch-answer.js', ruleOf(`${adminRule}\n  request.get('https://risk.example.com/', function (err, response, body) {\n    switch (JSON.parse(body).level) {\n      case 'high':\n        DUO\n    }\n    callback(null, user, context);\n  });\n  return;`));
    const quiet = cli(['equivalence', answer, work.write('switch-answer-action.js', actionOf(adminAction)), '--format', 'json']);
    assert.ok(!report(quiet).notes.some((n) => / decides /.test(n.message)), quiet.stdout);
  });
});

describe('a loop over a login list: a list holding each value its items are compared with is tried', () => {
  const work = createWorkspace({ prefix: 'duo-loops-', packageName: 'duo-loops' });
  const cli = (args: string[]): CliResult => runCliSync(args, { cwd: work.root });
  const report = (run: CliResult): Report => JSON.parse(run.stdout) as Report;

  for (const [i, shape] of loops.entries()) {
    test(`${shape.name}: the faithful Action agrees with no note; each mutant diverges (exit 1)`, () => {
      const rule = work.write(`rules/loop-${i}.js`, ruleOf(shape.rule));
      const agreed = cli(['equivalence', rule, work.write(`loop-${i}-faithful.js`, actionOf(shape.action)), '--strict', '--format', 'json']);
      assert.equal(agreed.code, 0, agreed.stderr + agreed.stdout);
      assert.deepEqual(report(agreed).notes, []);
      assert.equal(report(agreed).agreeing, report(agreed).logins);
      for (const [j, mutant] of shape.mutants.entries()) {
        const run = cli(['equivalence', rule, work.write(`loop-${i}-mutant-${j}.js`, actionOf(mutant.action))]);
        assert.equal(run.code, 1, `dropping ${mutant.drops}: ${run.stderr}${run.stdout}`);
        assert.ok(run.stdout.includes(`  DIVERGES on ${mutant.field} in `) && run.stdout.includes(`smallest: ${mutant.login}\n`), `dropping ${mutant.drops}: ${run.stdout}`);
      }
    });
  }

  const unread: Array<{ name: string; rule: string; line: number; shown: string; decides: string }> = [
    {
      name: 'a flag set in a loop under a condition the matrix cannot read',
      rule: `${adminRule}\n  let longWord = false;\n  for (const w of user.name.split(' ')) {\n    if (w.length > 12) longWord = true;\n  }\n  if (longWord) { DUO }`,
      line: 5,
      shown: 'w.length > 12',
      decides: 'MFA',
    },
    {
      name: 'a `continue` under a condition the matrix cannot read',
      rule: `${adminRule}\n  for (const g of user.groups || []) {\n    if (g.split(':').length !== 2) continue;\n    DUO\n  }`,
      line: 4,
      shown: "g.split(':').length !== 2",
      decides: 'MFA',
    },
    {
      name: "a value destructured from each entry of a login object's entries",
      rule: `${adminRule}\n  for (const [key, value] of Object.entries(user.app_metadata)) {\n    if (value === 'gold') { DUO }\n  }`,
      line: 4,
      shown: "value === 'gold'",
      decides: 'MFA',
    },
    {
      name: 'a denial flag set in a forEach under a condition the matrix cannot read',
      rule: `${adminRule}\n  let deny = false;\n  (user.app_metadata.tags || []).forEach((t) => {\n    if (t.split('=')[0] === 'block') deny = true;\n  });\n  if (deny) DENY('Blocked');`,
      line: 5,
      shown: "t.split('=')[0] === 'block'",
      decides: 'a denial',
    },
  ];
  for (const [i, c] of unread.entries()) {
    test(`${c.name}: NOT TRIED names the Rule line and the condition; --strict exits 1 for the Action that drops the loop`, () => {
      const rule = work.write(`rules/unread-loop-${i}.js`, ruleOf(c.rule));
      const dropped = work.write(`unread-loop-${i}-dropped.js`, actionOf(adminAction));
      const run = cli(['equivalence', rule, dropped]);
      assert.equal(run.code, 0, run.stderr + run.stdout);
      assert.match(run.stdout, /^Differential check: \d+ logins, \d+ agree, 0 divergences .*NOT every login the conditions allow was tried/);
      assert.ok(run.stdout.includes(`  NOT TRIED: unread-loop-${i}.js line ${c.line}: \`${c.shown}\` decides ${c.decides}, but the check builds no login from that condition`), run.stdout);
      assert.equal(cli(['equivalence', rule, dropped, '--strict']).code, 1);
    });
  }

  test('a loop over an API answer is no login input: no note for its condition', () => {
    const rule = work.write('rules/loop-answer.js', ruleOf(`${adminRule}\n  request.get('https://risk.example.com/', function (err, response, body) {\n    let risky = false;\n    (JSON.parse(body || '[]')).forEach((signal) => {\n      if (signal.level.split(':').length > 3) risky = true;\n    });\n    if (risky) { DUO }\n    callback(null, user, context);\n  });\n  return;`));
    const run = cli(['equivalence', rule, work.write('loop-answer-action.js', actionOf(adminAction)), '--format', 'json']);
    assert.ok(!report(run).notes.some((n) => / decides /.test(n.message)), run.stdout);
  });
});
