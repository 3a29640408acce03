'use strict';
// Two people in two browsers: one creates the couple space and invites the
// other by a one-time link; the other signs up through that link and joins.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const {
  assertNoProblems,
  checkPage,
  clickAndWait,
  headingOf,
  launchBrowser,
  newDesktopContext,
  newPhoneContext,
  pathOf,
  register,
  screenshot,
  startApp,
} = require('../lib/app.js');

const HURT = { email: 'rowan@example.test', password: 'the kettle sings at seven' };
const INVOLVED = { email: 'sasha@example.test', password: 'a long walk by the canal' };

let app;
let browser;
const contexts = [];

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (app) await app.stop();
});

async function phone(options = {}) {
  const context = await newPhoneContext(browser, { baseURL: app.url, ...options });
  contexts.push(context);
  return context;
}

async function fingerprintOn(page) {
  return (await page.locator('.fingerprint code').textContent()).trim();
}

test('two partners pair through a one-time invitation link', async () => {
  // ---- the hurt partner signs up and creates the space ----
  const a = await (await phone()).newPage();
  await a.goto('/');
  await checkPage(a);
  await screenshot(a, 'welcome');

  await clickAndWait(a, a.getByRole('link', { name: 'Create an account' }));
  assert.equal(pathOf(a), '/register');
  await checkPage(a);
  await screenshot(a, 'register');

  await a.getByLabel('Email address').fill(HURT.email);
  await a.getByLabel('Password', { exact: true }).fill('short');
  await a.getByLabel('The same password again').fill('short');
  const refusedSignUp = await clickAndWait(a, a.getByRole('button', { name: 'Create account' }));
  assert.equal(
    refusedSignUp.status(),
    422,
    `a too-short password is refused on the form (the page says "${await headingOf(a)}")`,
  );
  const password = a.getByLabel('Password', { exact: true });
  assert.equal(await password.getAttribute('aria-invalid'), 'true', 'the short password is marked');
  assert.ok(await a.locator('#password-error').isVisible(), 'the reason is shown by the field');
  assert.equal(await a.getByLabel('Email address').inputValue(), HURT.email, 'the email is kept');
  await checkPage(a);
  await screenshot(a, 'register-error');

  const { codes } = await register(a, HURT.email, HURT.password, {
    onRecoveryCodes: async (page) => {
      await checkPage(page);
      await screenshot(page, 'recovery-codes');
    },
  });
  assert.ok(codes.length > 0, 'recovery codes are shown at the first login');
  assert.equal(new Set(codes).size, codes.length, 'each recovery code is different');
  assert.equal(pathOf(a), '/space/new', 'the first codes lead straight to creating the space');
  assert.equal(await headingOf(a), 'Create your space');
  assert.ok(
    await a.getByRole('heading', { name: 'Before you begin' }).isVisible(),
    'the safety note is read on the page that creates the space',
  );
  assert.ok(await a.getByRole('link', { name: /^Call / }).first().isVisible(), 'helplines can be called');
  await checkPage(a);
  await screenshot(a, 'space-new');

  await a.getByLabel('An emotional affair').check();
  await a.getByLabel('I was hurt: I am the hurt partner').check();
  const refusedSpace = await clickAndWait(a, a.getByRole('button', { name: 'Create our space' }));
  assert.equal(refusedSpace.status(), 422, `the form is shown again (the page says "${await headingOf(a)}")`);
  assert.ok(
    await a.locator('#feel_safe-error').isVisible(),
    'the space is not created before the safety note is acknowledged',
  );
  assert.ok(await a.getByLabel('An emotional affair').isChecked(), 'the choices are kept');
  await checkPage(a);
  await screenshot(a, 'space-new-error');

  await a.getByLabel('I have read the safety note').check();
  await clickAndWait(a, a.getByRole('button', { name: 'Create our space' }));
  assert.equal(pathOf(a), '/space', `the space is created (the page says "${await headingOf(a)}")`);
  await assertText(a, 'Here you are the hurt partner.');
  await assertText(a, 'Your partner has not joined yet.');

  await clickAndWait(a, a.getByRole('button', { name: 'Make an invitation link' }));
  const link = (await a.locator('.invite-link code').textContent()).trim();
  assert.match(link, new RegExp(`^${escapeRegExp(app.url)}/invite/[^/?#\\s]+$`));
  await checkPage(a);
  await screenshot(a, 'space-a-invite');

  // ---- the involved partner opens the link in their own browser ----
  const b = await (await phone()).newPage();
  await b.goto(link);
  assert.equal(await headingOf(b), 'You have been invited');
  await checkPage(b);
  await screenshot(b, 'invite-b');

  const token = new URL(link).pathname.split('/').pop();
  await clickAndWait(b, b.getByRole('link', { name: 'Create an account' }));
  assert.equal(pathOf(b), '/register');
  assert.equal(
    await b.locator('input[name="invite"]').inputValue(),
    token,
    'the registration form carries the invitation',
  );
  const joined = await register(b, INVOLVED.email, INVOLVED.password);
  assert.ok(joined.codes.length > 0, 'the second person gets recovery codes too');
  assert.equal(new URL(b.url()).pathname, `/invite/${token}`, 'after logging in, back to the invitation');
  await checkPage(b);

  assert.equal(await headingOf(b), 'Before you join', 'signed in, they see what was recorded first');
  await b.getByLabel('I have read the safety note, and I feel safe').check();
  await clickAndWait(b, b.getByRole('button', { name: 'Join our space' }));
  assert.equal(pathOf(b), '/space', `joining leads to the space (the page says "${await headingOf(b)}")`);
  await assertText(b, 'Here you are the involved partner.');
  await assertText(b, 'Both of you have joined.');
  await checkPage(b);
  await screenshot(b, 'space-b');

  // ---- both see the same space ----
  await a.goto('/space');
  await assertText(a, 'Here you are the hurt partner.');
  await assertText(a, 'Both of you have joined.');
  assert.equal(
    await a.getByRole('button', { name: 'Make an invitation link' }).count(),
    0,
    'no further invitation once both have joined',
  );
  const fingerprintA = await fingerprintOn(a);
  const fingerprintB = await fingerprintOn(b);
  assert.ok(fingerprintA.length > 0);
  assert.equal(fingerprintA, fingerprintB, 'both partners see the same record fingerprint');

  const usedAgain = await b.goto(link);
  assert.equal(usedAgain.status(), 410, 'a used link is gone');
  await assertText(b, 'This invitation link has been used already.');
  await checkPage(b);

  // ---- the same page in dark mode and at desktop width ----
  const signedInAsA = await a.context().storageState();
  const dark = await (await phone({ colorScheme: 'dark', storageState: signedInAsA })).newPage();
  await dark.goto('/space');
  assert.equal(pathOf(dark), '/space');
  await checkPage(dark);
  const background = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(await background(dark), await background(a), 'dark mode has its own colours');
  await screenshot(dark, 'space-a-dark');

  const wideContext = await newDesktopContext(browser, { baseURL: app.url, storageState: signedInAsA });
  contexts.push(wideContext);
  const wide = await wideContext.newPage();
  await wide.goto('/space');
  assert.equal(pathOf(wide), '/space');
  await checkPage(wide);
  await screenshot(wide, 'space-a-desktop');

  for (const context of contexts) {
    assertNoProblems(context);
  }
});

async function assertText(page, text) {
  assert.ok(
    await page.getByText(text, { exact: false }).first().isVisible(),
    `${pathOf(page)} says "${text}"`,
  );
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
