// Which operands of a Rule's MFA gates the login matrix does not read: those the differential check names as NOT TRIED.
// Quiet on what is not a login input (an error, an API answer) and on checks that an input is there before it is read.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findConditionInputs } from '../../server/src/analysis/loginMatrix';
import { buildModel, type RuleModel } from '../../server/src/analysis/model';

/** Where the Rule sets context.multifactor, as the check passes its sites. */
const mfaSites = (model: RuleModel) => model.configs.map((c) => ({ offset: c.range.start, kind: 'mfa' as const }));

const unread = (body: string): string[] => {
  const source = `function (user, context, callback) {\n${body}\n  callback(null, user, context);\n}`;
  return findConditionInputs([buildModel(source)], undefined, mfaSites).unread[0].map((o) => o.text);
};

const duo = `context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H };`;

describe('the unread operands of MFA gates', () => {
  test('an operand beside a read one is named, in an if around the site, an early return before it, or through a variable', () => {
    assert.deepEqual(unread(`  if (context.clientID === 'admin' || user.name.split(' ').length > 3) { ${duo} }`), ["user.name.split(' ').length > 3"]);
    assert.deepEqual(unread(`  if (context.clientID !== 'admin' && !(new Date(user.created_at).getFullYear() < 2020)) return callback(null, user, context);\n  ${duo}`), ['new Date(user.created_at).getFullYear() < 2020']);
    assert.deepEqual(unread(`  const count = Object.keys(user.user_metadata).length;\n  const risky = context.clientID === 'admin' || count > 5;\n  if (risky) { ${duo} }`), ['count > 5']);
    // Written in the condition itself, how many keys an input has is read.
    assert.deepEqual(unread(`  if (context.clientID === 'admin' || Object.keys(user.app_metadata).length > 3) { ${duo} }`), []);
  });

  test('switches and loops: an unread discriminant, case, flag condition or continue is named; a read one and a counting test are not', () => {
    assert.deepEqual(unread(`  switch (user.name.split(' ').length) { case 3: ${duo} }`), ["switch (user.name.split(' ').length)"]);
    assert.deepEqual(unread(`  switch (true) { case context.clientID === 'a': break; case user.name.split(' ').length > 2: ${duo} }`), ["case user.name.split(' ').length > 2:"]);
    assert.deepEqual(unread(`  switch (context.connection) { case 'corp': ${duo} }`), []);
    assert.deepEqual(unread(`  let mfa = false;\n  for (const w of user.name.split(' ')) { if (w.length > 12) mfa = true; }\n  if (mfa) { ${duo} }`), ['w.length > 12']);
    assert.deepEqual(unread(`  let mfa = false;\n  for (const r of context.authorization.roles) { if (r === 'admin') mfa = true; }\n  if (mfa) { ${duo} }`), []);
    assert.deepEqual(unread(`  for (let i = 0; i < user.groups.length; i++) {\n    if (user.groups[i].split(':').length !== 2) continue;\n    ${duo}\n  }`), ["user.groups[i].split(':').length !== 2"]);
    assert.deepEqual(unread(`  const g = user.groups || [];\n  for (let i = 0, n = g.length; i < n; i++) if (g[i] === 'x') { ${duo} }`), []);
    // A labeled continue leaves the body too; an unlabeled one inside a nested loop leaves only that loop's.
    assert.deepEqual(unread(`  outer: for (const g of user.groups || []) {\n    if (g.split(':').length > 2) continue outer;\n    ${duo}\n  }`), ["g.split(':').length > 2"]);
    assert.deepEqual(unread(`  for (const g of user.groups || []) {\n    if (g.split(':').length > 2) { for (const p of g.split(':')) { if (p) continue; } }\n    ${duo}\n  }`), []);
  });

  test('a helper that sets MFA: the conditions around its calls decide', () => {
    assert.deepEqual(unread(`  function requireDuo() { ${duo} }\n  if (user.app_metadata.use_mfa || user.name.split(' ').length > 2) requireDuo();`), ["user.name.split(' ').length > 2"]);
  });

  test('nothing for operands the matrix reads, conditions on no login input, API answers and presence checks', () => {
    assert.deepEqual(unread(`  if (context.clientID === 'admin' || user.app_metadata.use_mfa || user.logins_count * 2 > 10 || user.name.charAt(0) === 'Z') { ${duo} }`), []);
    assert.deepEqual(unread(`  if (context.connectionStrategy === context.connection && context.stats.loginsCount === 1) { ${duo} }`), []);
    assert.deepEqual(unread(`  const T = { 'x-corp': 1 };\n  function gold(t) { return t === 'gold'; }\n  if (new Date(user.created_at) < new Date('2020-01-01') || T[context.connection + '-corp'] || gold(user.app_metadata.tier) || gold(user.user_metadata.tier)) { ${duo} }`), []);
    assert.deepEqual(unread(`  request.get('https://api.example.com/' + user.email, function (err, response, body) {\n    if (err) return callback(err);\n    if (body.risk > 5) { ${duo} }\n    callback(null, user, context);\n  });`), []);
    assert.deepEqual(unread(`  (async () => {\n    const answer = await fetch('https://risk.example.com/?u=' + user.user_id);\n    if (answer.score > 50) { ${duo} }\n  })();`), []);
    assert.deepEqual(unread(`  if (!user.app_metadata || !Array.isArray(user.app_metadata.groups) || typeof user.app_metadata.flags !== 'object') return callback(null, user, context);\n  if (user.app_metadata.groups.indexOf('admins') !== -1 || user.app_metadata.flags.mfa) { ${duo} }`), []);
  });
});
