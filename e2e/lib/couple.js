'use strict';
/**
 * A paired couple for tests that need both partners signed in.
 *
 * pairCouple(browser, app, options) -> Promise<Couple>
 *     Partner A signs up, records a betrayal in which they are the hurt
 *     partner, creates the couple space and makes an invitation link; partner
 *     B signs up through that link in a browser context of their own and joins.
 *     Both end on /space. Each person signs in once (two of the app's ten
 *     attempts per address).
 *
 *     options (all optional):
 *       newContext   newPhoneContext (default) or newDesktopContext from app.js
 *       contextOptions  extra Playwright context options for both contexts
 *       hurt, involved  { email, password, timeZone } of A and B; defaults are
 *                       fixed addresses, fine because each test file has its own
 *                       server; timeZone (an IANA name) is chosen at registration,
 *                       else the instance's default stays selected
 *       betrayal     the label of the kind of betrayal to tick on /space/new
 *
 *     Couple: { hurt, involved }, each a Partner:
 *       { email, password, context, page, storageState() }
 *     `storageState()` resolves to the signed-in session, to open the same
 *     person in another context (dark mode, desktop) without signing in again.
 *     The contexts are watched like any from app.js: call assertNoProblems on
 *     them at the end. Closing them is left to the browser's close().
 */

const assert = require('node:assert/strict');
const { clickAndWait, headingOf, newPhoneContext, pathOf, register } = require('./app.js');

const DEFAULT_HURT = { email: 'ada@example.test', password: 'the lighthouse keeps its lamp lit' };
const DEFAULT_INVOLVED = { email: 'bo@example.test', password: 'bread rises slowly in the cold' };
const DEFAULT_BETRAYAL = 'An emotional affair';

async function signedInPartner(browser, app, credentials, newContext, contextOptions) {
  const context = await newContext(browser, { baseURL: app.url, ...contextOptions });
  const page = await context.newPage();
  return {
    ...credentials,
    context,
    page,
    storageState: () => context.storageState(),
  };
}

async function pairCouple(browser, app, options = {}) {
  const newContext = options.newContext || newPhoneContext;
  const contextOptions = options.contextOptions || {};
  const hurt = await signedInPartner(browser, app, options.hurt || DEFAULT_HURT, newContext, contextOptions);
  const involved = await signedInPartner(
    browser,
    app,
    options.involved || DEFAULT_INVOLVED,
    newContext,
    contextOptions,
  );

  const a = hurt.page;
  await register(a, hurt.email, hurt.password, { timeZone: hurt.timeZone });
  await a.goto('/space/new');
  await a.getByLabel(options.betrayal || DEFAULT_BETRAYAL).check();
  await a.getByLabel('I was hurt: I am the hurt partner').check();
  await a.getByLabel('I have read the safety note').check();
  await clickAndWait(a, a.getByRole('button', { name: 'Create our space' }));
  assert.equal(pathOf(a), '/space', `the space is created (the page says "${await headingOf(a)}")`);
  await clickAndWait(a, a.getByRole('button', { name: 'Make an invitation link' }));
  const link = (await a.locator('.invite-link code').textContent()).trim();

  const b = involved.page;
  await b.goto(link);
  await clickAndWait(b, b.getByRole('link', { name: 'Create an account' }));
  await register(b, involved.email, involved.password, { timeZone: involved.timeZone });
  await b.getByLabel('I have read the safety note, and I feel safe').check();
  await clickAndWait(b, b.getByRole('button', { name: 'Join our space' }));
  assert.equal(pathOf(b), '/space', `joining leads to the space (the page says "${await headingOf(b)}")`);

  return { hurt, involved };
}

module.exports = { pairCouple };
