'use strict';
// The therapist both partners invite, on a phone and on a desktop: the hurt
// partner proposes a therapist with two parts of the record, the involved
// partner consents to one of them only, a partner makes the one-time link; a
// therapist without an account opens it, registers through it, comes back,
// names the couple and accepts. The therapist then sees the check-in marked
// for them and nothing kept "only for me" or shared with the partner only;
// both partners' "what our therapist sees" shows the same. A partner ends
// access and the therapist's page says so and shows nothing of the record.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const {
  appAndBrowser,
  assertNoProblems,
  checkPage,
  clickAndWait,
  headingOf,
  newDesktopContext,
  newPhoneContext,
  pathOf,
  register,
  screenshot,
} = require('../lib/app.js');
const { pairCouple } = require('../lib/couple.js');

const running = appAndBrowser();

const FOR_THERAPIST = 'A heavy week, worth bringing to our session';
const FOR_PARTNER = 'Only for you: the drive home was kind';
const KEPT = 'Mine alone: I still count the late evenings';

async function checkIn(page, note, audience) {
  await page.goto('/');
  await page.goto('/checkin');
  await page.locator('details.family-hurt > summary').click();
  await page.getByRole('checkbox', { name: 'Betrayed', exact: true }).check();
  await page.getByLabel('How strongly you feel Betrayed').selectOption('3');
  await page.getByLabel('A few words, if you want').fill(note);
  await page.getByLabel(audience, { exact: true }).check();
  await clickAndWait(page, page.getByRole('button', { name: 'Save my check-in' }));
  assert.equal(pathOf(page), '/checkin', `the check-in for "${audience}" is kept (the page says "${await headingOf(page)}")`);
}

/** The therapist's view on a page: every card from "What … may see" on, without the therapist's notes. */
async function seenCards(page) {
  const cards = await page.locator('main section.card').evaluateAll((sections) =>
    sections.filter((s) => s.id && s.id !== 'notes').map((s) => s.innerText.trim()),
  );
  assert.ok(cards.length > 0, `${pathOf(page)} shows the therapist's view`);
  return cards;
}

async function assertSeesOnlyTheMarkedCheckIn(page, who) {
  assert.ok(await page.getByText(FOR_THERAPIST).isVisible(), `${who} sees the check-in marked for the therapist`);
  assert.equal(await page.getByText(FOR_PARTNER).count(), 0, `${who} does not see the check-in for the partner only`);
  assert.equal(await page.getByText(KEPT).count(), 0, `${who} does not see the check-in kept only for me`);
}

async function threeWayInvitation(newContext, width, tag) {
  const couple = await pairCouple(running.browser, running.app, {
    newContext,
    hurt: { email: `ada-${tag}@example.test`, password: 'the lighthouse keeps its lamp lit' },
    involved: { email: `bo-${tag}@example.test`, password: 'bread rises slowly in the cold' },
  });
  const a = couple.hurt.page;
  const b = couple.involved.page;

  await checkIn(a, FOR_THERAPIST, 'Me, my partner and our therapist');
  await checkIn(a, FOR_PARTNER, 'Me and my partner');
  await checkIn(a, KEPT, 'Only me');

  // The hurt partner proposes a therapist with two parts of the record.
  await a.goto('/therapist');
  await checkPage(a);
  await screenshot(a, `therapist-propose-${width}`);
  const propose = a.locator('#propose');
  await propose.getByLabel('What you call them').fill('Dr Okafor');
  await propose.getByLabel('Check-ins marked for our therapist').check();
  await propose.getByLabel('Requests and how reliably they are kept').check();
  await clickAndWait(a, propose.getByRole('button', { name: 'Propose this therapist' }));
  assert.equal(pathOf(a), '/therapist');
  assert.ok(await a.locator('#current').getByText('Dr Okafor').first().isVisible(), 'the proposal is shown');
  await checkPage(a);
  await screenshot(a, `therapist-proposed-${width}`);

  // The involved partner consents, to the check-ins only.
  await b.goto('/therapist');
  assert.ok(await b.getByText('Your partner proposed this therapist').isVisible());
  const consent = b.locator('form[action$="/consent"]');
  assert.ok(await consent.getByLabel('Requests and how reliably they are kept').isChecked(), "ticked as the partner chose");
  await consent.getByLabel('Requests and how reliably they are kept').uncheck();
  await checkPage(b);
  await screenshot(b, `therapist-consent-${width}`);
  await clickAndWait(b, consent.getByRole('button', { name: 'Yes, I consent' }));
  assert.equal(pathOf(b), '/therapist');

  // A partner makes the one-time link.
  await b.goto('/');
  await b.goto('/therapist');
  await clickAndWait(b, b.getByRole('button', { name: 'Make a link for the therapist' }));
  const link = await b.getByLabel('Link', { exact: true }).inputValue();
  assert.match(link, /\/practice\/join\/[^/]+$/, 'the link leads to the join page');
  await checkPage(b);
  await screenshot(b, `therapist-link-${width}`);

  // A therapist with no account opens it, registers through it and comes back.
  const context = await newContext(running.browser, { baseURL: running.app.url });
  const t = await context.newPage();
  const joinPath = new URL(link, running.app.url).pathname;
  await t.goto(joinPath);
  assert.equal(await t.getByText('Dr Okafor').count(), 0, 'a holder of the link learns nothing before signing in');
  await checkPage(t);
  await screenshot(t, `therapist-join-anonymous-${width}`);
  await clickAndWait(t, t.getByRole('link', { name: 'Create an account' }));
  assert.equal(pathOf(t), '/register');
  await register(t, `okafor-${tag}@example.test`, 'a quiet room with two chairs and a clock');
  assert.equal(pathOf(t), joinPath, `registering through the link leads back to it (the page says "${await headingOf(t)}")`);
  assert.ok(await t.getByText('Check-ins marked for our therapist').isVisible(), 'the consented part is named');
  assert.equal(await t.getByText('Requests and how reliably they are kept').count(), 0, 'the part only one ticked is not');
  await checkPage(t);
  await screenshot(t, `therapist-join-${width}`);
  await t.getByLabel('What will you call this couple?').fill('The Ashbys');
  await clickAndWait(t, t.getByRole('button', { name: 'Accept the invitation' }));
  const couplePath = pathOf(t);
  assert.match(couplePath, /^\/practice\/[^/]+$/, `accepting leads to the couple's page (the page says "${await headingOf(t)}")`);
  await assertSeesOnlyTheMarkedCheckIn(t, 'the therapist');
  await checkPage(t);
  await screenshot(t, `therapist-couple-${width}`);
  const seen = await seenCards(t);

  await t.goto('/practice');
  assert.ok(await t.getByRole('link', { name: 'The Ashbys' }).isVisible(), "the therapist's home lists the couple");
  await checkPage(t);
  await screenshot(t, `therapist-practice-${width}`);

  // Both partners see exactly what the therapist sees.
  for (const [page, who] of [[a, 'the hurt partner'], [b, 'the involved partner']]) {
    await page.goto('/therapist/sees');
    await assertSeesOnlyTheMarkedCheckIn(page, `${who}'s "what our therapist sees"`);
    assert.deepEqual(await seenCards(page), seen, `${who} sees the therapist's view as it is`);
    await checkPage(page);
  }
  await screenshot(a, `therapist-sees-${width}`);

  // A partner ends access; the therapist's page says so and shows nothing of the record.
  await a.goto('/therapist');
  await a.locator('summary', { hasText: "End Dr Okafor's access" }).click();
  await clickAndWait(a, a.getByRole('button', { name: 'End access now' }));
  assert.ok(await a.getByText('Access ended by you on').isVisible());
  await checkPage(a);
  await screenshot(a, `therapist-ended-${width}`);

  await t.goto(couplePath);
  assert.ok(await t.getByText('This couple ended your access on').isVisible(), 'the therapist is told');
  assert.equal(await t.getByText(FOR_THERAPIST).count(), 0, 'nothing of the record is shown');
  assert.equal(await t.locator('#scopes').count(), 0, 'not even what was shared');
  await checkPage(t);
  await screenshot(t, `therapist-couple-ended-${width}`);

  assertNoProblems(couple.hurt.context);
  assertNoProblems(couple.involved.context);
  assertNoProblems(context);
}

test('a therapist is proposed, consented to, invited, sees only the marked check-in, until access ends, at 390 px', async () => {
  await threeWayInvitation(newPhoneContext, 390, 'phone');
});

test('a therapist is proposed, consented to, invited, sees only the marked check-in, until access ends, at 1280 px', async () => {
  await threeWayInvitation(newDesktopContext, 1280, 'desktop');
});
