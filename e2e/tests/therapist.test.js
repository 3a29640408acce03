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
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
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
  const cards = await page.locator('main section.card').evaluateAll((sections) => {
    const from = sections.findIndex((s) => s.id === 'scopes');
    return from < 0 ? [] : sections.slice(from).filter((s) => s.id !== 'notes').map((s) => s.innerText.trim());
  });
  assert.ok(cards.length > 0, `${pathOf(page)} shows the therapist's view`);
  return cards;
}

async function assertSeesOnlyTheMarkedCheckIn(page, who) {
  assert.ok(await page.getByText(FOR_THERAPIST).isVisible(), `${who} sees the check-in marked for the therapist`);
  assert.equal(await page.getByText(FOR_PARTNER).count(), 0, `${who} does not see the check-in for the partner only`);
  assert.equal(await page.getByText(KEPT).count(), 0, `${who} does not see the check-in kept only for me`);
}

/**
 * The invitation from the proposal to the therapist's acceptance: resolves to
 * { couple, a, b, t, context, couplePath } with the therapist on the couple's page.
 */
async function invitedTherapist(newContext, tag) {
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
  await screenshot(a, `therapist-propose-${tag}`);
  const propose = a.locator('#propose');
  await propose.getByLabel('What you call them').fill('Dr Okafor');
  await propose.getByLabel('Check-ins marked for our therapist').check();
  await propose.getByLabel('Requests and how reliably they are kept').check();
  await clickAndWait(a, propose.getByRole('button', { name: 'Propose this therapist' }));
  assert.equal(pathOf(a), '/therapist');
  assert.ok(await a.locator('#current').getByText('Dr Okafor').first().isVisible(), 'the proposal is shown');
  await checkPage(a);
  await screenshot(a, `therapist-proposed-${tag}`);

  // The involved partner consents, to the check-ins only.
  await b.goto('/therapist');
  assert.ok(await b.getByText('Your partner proposed this therapist').isVisible());
  const consent = b.locator('form[action$="/consent"]');
  assert.ok(await consent.getByLabel('Requests and how reliably they are kept').isChecked(), "ticked as the partner chose");
  await consent.getByLabel('Requests and how reliably they are kept').uncheck();
  await checkPage(b);
  await screenshot(b, `therapist-consent-${tag}`);
  await clickAndWait(b, consent.getByRole('button', { name: 'Yes, I consent' }));
  assert.equal(pathOf(b), '/therapist');

  // A partner makes the one-time link.
  await b.goto('/');
  await b.goto('/therapist');
  await clickAndWait(b, b.getByRole('button', { name: 'Make a link for the therapist' }));
  const link = await b.getByLabel('Link', { exact: true }).inputValue();
  assert.match(link, /\/practice\/join\/[^/]+$/, 'the link leads to the join page');
  await checkPage(b);
  await screenshot(b, `therapist-link-${tag}`);

  // A therapist with no account opens it, registers through it and comes back.
  const context = await newContext(running.browser, { baseURL: running.app.url });
  const t = await context.newPage();
  const joinPath = new URL(link, running.app.url).pathname;
  await t.goto(joinPath);
  assert.equal(await t.getByText('Dr Okafor').count(), 0, 'a holder of the link learns nothing before signing in');
  await checkPage(t);
  await screenshot(t, `therapist-join-anonymous-${tag}`);
  await clickAndWait(t, t.getByRole('link', { name: 'Create an account' }));
  assert.equal(pathOf(t), '/register');
  await register(t, `okafor-${tag}@example.test`, 'a quiet room with two chairs and a clock');
  assert.equal(pathOf(t), joinPath, `registering through the link leads back to it (the page says "${await headingOf(t)}")`);
  assert.ok(await t.getByText('Check-ins marked for our therapist').isVisible(), 'the consented part is named');
  assert.equal(await t.getByText('Requests and how reliably they are kept').count(), 0, 'the part only one ticked is not');
  await checkPage(t);
  await screenshot(t, `therapist-join-${tag}`);
  await t.getByLabel('What will you call this couple?').fill('The Ashbys');
  await clickAndWait(t, t.getByRole('button', { name: 'Accept the invitation' }));
  const couplePath = pathOf(t);
  assert.match(couplePath, /^\/practice\/[^/]+$/, `accepting leads to the couple's page (the page says "${await headingOf(t)}")`);
  await assertSeesOnlyTheMarkedCheckIn(t, 'the therapist');
  await checkPage(t);
  await screenshot(t, `therapist-couple-${tag}`);
  return { couple, a, b, t, context, couplePath };
}

async function threeWayInvitation(newContext, tag) {
  const { couple, a, b, t, context, couplePath } = await invitedTherapist(newContext, tag);
  const seen = await seenCards(t);

  await t.goto('/practice');
  assert.ok(await t.getByRole('link', { name: 'The Ashbys' }).isVisible(), "the therapist's home lists the couple");
  await checkPage(t);
  await screenshot(t, `therapist-practice-${tag}`);

  // Both partners see exactly what the therapist sees.
  for (const [page, who] of [[a, 'the hurt partner'], [b, 'the involved partner']]) {
    await page.goto('/therapist/sees');
    await assertSeesOnlyTheMarkedCheckIn(page, `${who}'s "what our therapist sees"`);
    assert.deepEqual(await seenCards(page), seen, `${who} sees the therapist's view as it is`);
    await checkPage(page);
  }
  await screenshot(a, `therapist-sees-${tag}`);

  // A partner ends access; the therapist's page says so and shows nothing of the record.
  await a.goto('/therapist');
  await a.locator('summary', { hasText: "End Dr Okafor's access" }).click();
  await clickAndWait(a, a.getByRole('button', { name: 'End access now' }));
  assert.ok(await a.getByText('Access ended by you on').isVisible());
  await checkPage(a);
  await screenshot(a, `therapist-ended-${tag}`);

  await t.goto(couplePath);
  assert.ok(await t.getByText('This couple ended your access on').isVisible(), 'the therapist is told');
  assert.equal(await t.getByText(FOR_THERAPIST).count(), 0, 'nothing of the record is shown');
  assert.equal(await t.locator('#scopes').count(), 0, 'not even what was shared');
  await checkPage(t);
  await screenshot(t, `therapist-couple-ended-${tag}`);

  assertNoProblems(couple.hurt.context);
  assertNoProblems(couple.involved.context);
  assertNoProblems(context);
}

test('a therapist is proposed, consented to, invited, sees only the marked check-in, until access ends, at 390 px', async () => {
  await threeWayInvitation(newPhoneContext, '390');
});

test('a therapist is proposed, consented to, invited, sees only the marked check-in, until access ends, at 1280 px', async () => {
  await threeWayInvitation(newDesktopContext, '1280');
});

/** Loads `where` anew, also when only its fragment differs from the page open now. */
async function open(page, where) {
  await page.goto('about:blank');
  await page.goto(where);
}

async function addToAgenda(page, where, words) {
  await open(page, where);
  const session = page.locator('#session');
  await session.getByLabel('Add to the agenda').fill(words);
  await clickAndWait(page, session.getByRole('button', { name: 'Add it' }));
  assert.ok(await page.locator('#session').getByText(words).isVisible(), `"${words}" is on the agenda`);
}

function pdftoppm() {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, 'pdftoppm'))) return path.join(dir, 'pdftoppm');
  }
  return null;
}

/** Prints the page to an A4 PDF in e2e/screenshots/ and, with pdftoppm, to one PNG a page; resolves to the PNGs. */
async function printToPng(page, name) {
  const dir = path.join(__dirname, '..', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  await page.emulateMedia({ media: 'print' });
  const pdf = path.join(dir, `${name}.pdf`);
  await page.pdf({ path: pdf, format: 'A4' });
  await page.emulateMedia({ media: 'screen' });
  assert.ok(fs.readFileSync(pdf).subarray(0, 5).toString() === '%PDF-', 'Chromium printed a PDF');
  const tool = pdftoppm();
  if (!tool) {
    console.log(`pdftoppm is missing (apt-get install poppler-utils): ${pdf} was not turned into PNG.`);
    return null;
  }
  for (const old of fs.readdirSync(dir).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))) {
    fs.rmSync(path.join(dir, old));
  }
  execFileSync(tool, ['-png', '-r', '60', pdf, path.join(dir, name)]);
  return fs.readdirSync(dir).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'));
}

test('a therapy session is held, what was not covered carries over, and the brief prints on one A4 page, at 390 px', async () => {
  const { couple, a, b, t, context, couplePath } = await invitedTherapist(newPhoneContext, 'session-390');

  await addToAgenda(a, '/therapist', 'The weekends apart');
  await addToAgenda(b, '/therapist', 'My mother’s visits');
  await addToAgenda(t, couplePath, 'How each of you is sleeping');
  await checkPage(a);
  await screenshot(a, 'therapist-session-agenda-390');

  // The therapist marks it held: two items covered, the mother's visits not.
  await open(t, couplePath);
  const agenda = t.locator('#session');
  assert.ok(await agenda.getByRole('heading', { name: 'Agenda for session 1' }).isVisible());
  await agenda.getByLabel('The weekends apart').check();
  await agenda.getByLabel('How each of you is sleeping').check();
  await checkPage(t);
  await screenshot(t, 'therapist-session-held-390');
  await clickAndWait(t, agenda.getByRole('button', { name: 'Mark session 1 held' }));

  for (const [page, where, who] of [[t, couplePath, 'the therapist'], [a, '/therapist', 'the hurt partner'], [b, '/therapist', 'the involved partner']]) {
    await open(page, where);
    const next = page.locator('#session');
    assert.ok(await next.getByRole('heading', { name: 'Agenda for session 2' }).isVisible(), `${who} sees the next agenda`);
    const carried = next.locator('li', { hasText: 'My mother’s visits' });
    assert.ok(await carried.getByText('Carried over from session 1').isVisible(), `for ${who} the item not covered carries over`);
    assert.equal(await next.getByText('The weekends apart').count(), 0, `for ${who} a covered item leaves the agenda`);
    assert.ok(await page.locator('#sessions-held').getByText('The weekends apart').isVisible(), `${who} sees what session 1 covered`);
  }
  await checkPage(b);
  await screenshot(b, 'therapist-session-next-390');

  // A check-in marked for the therapist after session 1 is new for the brief.
  const since = 'Lighter since we talked on Tuesday';
  await checkIn(a, since, 'Me, my partner and our therapist');

  // The brief, as a partner opens it, and on paper.
  await clickAndWait(b, b.locator('#session').getByRole('link', { name: 'The session brief' }));
  assert.ok(await b.getByRole('heading', { name: 'Session brief: session 2' }).isVisible());
  assert.ok(await b.getByText('My mother’s visits').isVisible(), 'the brief lists the carried-over item');
  assert.ok(await b.getByText(since).isVisible(), 'the brief shows the check-in marked since session 1');
  assert.equal(await b.getByText(FOR_PARTNER).count(), 0, 'the brief leaves out the check-in for the partner only');
  assert.equal(await b.getByText(KEPT).count(), 0, 'the brief leaves out the check-in kept only for me');
  await checkPage(b);
  await screenshot(b, 'therapist-brief-390');
  const pngs = await printToPng(b, 'therapist-brief-a4');
  if (pngs) assert.deepEqual(pngs, ['therapist-brief-a4-1.png'], 'the brief prints on one A4 page');

  assertNoProblems(couple.hurt.context);
  assertNoProblems(couple.involved.context);
  assertNoProblems(context);
});
