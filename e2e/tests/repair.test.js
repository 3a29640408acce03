'use strict';
// The repair work, end to end, with both partners in their own phone-sized
// browsers: a disclosure read and acknowledged, a question parked for therapy,
// an apology coached, sent and answered, and a request agreed, kept and seen.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const {
  assertNoProblems,
  checkPage,
  clickAndWait,
  headingOf,
  launchBrowser,
  newPhoneContext,
  newDesktopContext,
  pathOf,
  screenshot,
  startApp,
} = require('../lib/app.js');
const { pairCouple } = require('../lib/couple.js');

let app;
let browser;
let hurt;
let involved;

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
  ({ hurt, involved } = await pairCouple(browser, app));
});

after(async () => {
  if (browser) await browser.close();
  if (app) await app.stop();
});

// ---- helpers ----------------------------------------------------------------------

async function openFromMenu(page, label) {
  await clickAndWait(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }));
}

/** The truth-log entry (or any list item) that contains `text`. */
function itemWith(page, text) {
  return page.getByRole('listitem').filter({ hasText: text });
}

async function assertShows(scope, text, message) {
  assert.ok(await scope.getByText(text, { exact: false }).first().isVisible(), message || `shows "${text}"`);
}

async function assertAbsent(locator, message) {
  assert.equal(await locator.count(), 0, message);
}

/** A day as the app writes it: "14 March 2026", in UTC like the server. */
function dayAsWritten(date) {
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** The rows a wrapping list of links takes on the page. */
async function rowsOf(list) {
  const tops = await list.locator('li').evaluateAll((items) => items.map((item) => item.getBoundingClientRect().top));
  return new Set(tops.map((top) => Math.round(top))).size;
}

/** Unfolds a folded new-entry form by its one-line summary. */
async function unfold(page, summary) {
  const details = page.locator('details.new-entry').filter({ has: page.getByText(summary, { exact: true }) });
  if ((await details.getAttribute('open')) === null) {
    await details.getByText(summary, { exact: true }).click();
  }
}

function assertNoProblemsForBoth() {
  assertNoProblems(hurt.context);
  assertNoProblems(involved.context);
}

// ---- the truth log ----------------------------------------------------------------

const DISCLOSURE =
  'I met her again in January, twice, for coffee near the office. I said I was at the gym. I want you to hear it from me.';
const DISCLOSURE_RESPONSE = 'Thank you for telling me before I had to ask.';
const QUESTION = 'Where were you on the night of the leaving party, and who drove you home?';
const STALE_ANSWER = 'I was at her flat until two, and';

test('a disclosure volunteered by the involved partner is read and acknowledged by the hurt partner', async () => {
  const b = involved.page;
  await openFromMenu(b, 'Truth');
  assert.equal(pathOf(b), '/truth');
  assert.equal(await headingOf(b), 'Truth log');
  await checkPage(b);
  await assertAbsent(b.getByText('Ask a question', { exact: true }), 'the involved partner is not offered the question form');
  assert.equal(
    await b.getByLabel('What you want to tell').isVisible(),
    false,
    'the disclosure form is folded under one line until it is wanted',
  );
  const filters = b.getByRole('navigation', { name: 'Show in the log' });
  assert.ok((await rowsOf(filters)) <= 2, 'the five filters take at most two rows on a phone');

  await unfold(b, 'Tell something');
  await b.getByLabel('What you want to tell').fill(DISCLOSURE);
  await b.getByLabel('The day it is about').fill('2024-03-14');
  await clickAndWait(b, b.getByRole('button', { name: 'Add to the log' }));
  assert.equal(pathOf(b), '/truth', `the disclosure is added (the page says "${await headingOf(b)}")`);
  const told = itemWith(b, DISCLOSURE);
  assert.equal(await told.count(), 1, 'the disclosure is in the log once');
  await assertShows(told, 'Disclosure');
  await assertShows(told, 'About 14 March 2024', 'the day it is about is shown');
  await assertShows(told, 'Not acknowledged yet');
  await assertAbsent(told.getByRole('button', { name: 'I read this' }), 'nobody acknowledges their own disclosure');

  const a = hurt.page;
  await openFromMenu(a, 'Truth');
  await checkPage(a);
  await assertAbsent(a.getByText('Tell something', { exact: true }), 'the hurt partner is not offered the disclosure form');
  const waitingForA = a.locator('.truth-waiting');
  await assertShows(waitingForA, 'Waiting for you');
  const toReadLink = waitingForA.getByRole('link', { name: 'A disclosure to read' });
  assert.ok(await toReadLink.isVisible(), 'what waits for the hurt partner is listed above the log');
  const logTop = (await a.getByRole('heading', { name: 'The log' }).boundingBox()).y;
  assert.ok((await toReadLink.boundingBox()).y < logTop, 'and comes before the log');
  const toRead = itemWith(a, DISCLOSURE);
  await assertShows(toRead, 'Your partner,', 'the hurt partner sees who wrote it');
  await assertShows(toRead, 'Not acknowledged yet');
  await toRead.getByText('Add a few words back').click();
  await toRead.getByLabel('Your response').fill(DISCLOSURE_RESPONSE);
  await clickAndWait(a, toRead.getByRole('button', { name: 'I read this' }));
  assert.equal(pathOf(a), '/truth');
  const read = itemWith(a, DISCLOSURE);
  await assertShows(read, 'You read this on');
  await assertShows(read, DISCLOSURE_RESPONSE, 'the response stays with the disclosure');
  await assertAbsent(read.getByRole('button', { name: 'I read this' }), 'a disclosure is acknowledged once');
  await assertAbsent(a.locator('.truth-waiting'), 'nothing waits for the hurt partner any more');
  await checkPage(a);

  await b.reload();
  const acknowledged = itemWith(b, DISCLOSURE);
  await assertShows(acknowledged, 'Your partner read this on', 'the involved partner sees it was read');
  await assertShows(acknowledged, DISCLOSURE_RESPONSE, 'and the words that came back');
  await assertAbsent(acknowledged.getByText('Not acknowledged yet'), 'it no longer waits for an acknowledgement');
  await checkPage(b);

  assertNoProblemsForBoth();
});

test('a question parked for therapy says why, offers no answer form and refuses an answer begun before', async () => {
  const a = hurt.page;
  await a.goto('/truth');
  await unfold(a, 'Ask a question');
  await a.getByLabel('Your question').fill(QUESTION);
  await clickAndWait(a, a.getByRole('button', { name: 'Ask', exact: true }));
  assert.equal(pathOf(a), '/truth', `the question is asked (the page says "${await headingOf(a)}")`);
  const asked = itemWith(a, QUESTION);
  await assertShows(asked, 'Waiting for an answer');
  await assertAbsent(asked.getByText('Answer this question'), 'the asker does not answer their own question');

  // The involved partner begins an answer...
  const b = involved.page;
  await b.goto('/truth');
  const toAnswer = itemWith(b, QUESTION);
  assert.ok(
    await toAnswer.getByRole('button', { name: 'Park for therapy' }).isVisible(),
    'the involved partner may park a question too',
  );
  await toAnswer.getByText('Answer this question').click();
  await toAnswer.getByLabel('Your answer').fill(STALE_ANSWER);

  // ...while the hurt partner decides the details can wait for therapy.
  await clickAndWait(a, asked.getByRole('button', { name: 'Park for therapy' }));
  const parked = itemWith(a, QUESTION);
  await assertShows(parked, 'Question parked for therapy');
  await assertShows(parked, 'Waiting for your joint therapy session.');
  await assertShows(parked, 'You parked it on');
  await assertShows(parked, 'Details can hurt more than they help at home', 'the page explains why it waits');
  assert.ok(
    await parked.getByRole('button', { name: 'Bring it back home' }).isVisible(),
    'the partner who asked can bring it back home',
  );
  await assertAbsent(parked.getByText('Waiting for an answer'), 'a parked question no longer waits for an answer');
  await checkPage(a);

  const refused = await clickAndWait(b, toAnswer.getByRole('button', { name: 'Send the answer' }));
  assert.equal(refused.status(), 422, 'an answer to a parked question is refused');
  const stillParked = itemWith(b, QUESTION);
  assert.match(
    await stillParked.getByRole('alert').textContent(),
    /This question is parked for your joint therapy session\./,
    'the refusal says why, beside the question',
  );
  const kept = stillParked.getByLabel('Your answer');
  assert.equal(await kept.inputValue(), STALE_ANSWER, 'what was typed is kept');
  assert.equal(await kept.isEditable(), false, 'kept to copy, not to send while the question is parked');
  await assertAbsent(
    stillParked.getByRole('button', { name: 'Send the answer' }),
    'no send button that cannot work while the question is parked',
  );
  await assertShows(stillParked, 'it can be sent once the question is brought back home');
  await checkPage(b);
  await screenshot(b, 'repair-truth-answer-refused');

  await b.goto('/truth');
  const parkedForB = itemWith(b, QUESTION);
  await assertShows(parkedForB, 'Your partner parked it on');
  await assertShows(parkedForB, 'Details can hurt more than they help at home');
  await assertAbsent(parkedForB.getByText('Answer this question'), 'no answer form while the question is parked');
  await assertAbsent(parkedForB.getByRole('button', { name: 'Park for therapy' }), 'it is parked already');
  await assertAbsent(
    parkedForB.getByRole('button', { name: 'Bring it back home' }),
    'only the partner who asked brings it back home',
  );
  await assertAbsent(b.getByText(STALE_ANSWER), 'the refused answer is not in the log');
  await checkPage(b);

  await clickAndWait(a, a.getByRole('link', { name: 'Parked for therapy' }));
  assert.equal(await itemWith(a, QUESTION).count(), 1, 'the parked filter shows the parked question');
  await assertAbsent(itemWith(a, DISCLOSURE), 'and not the disclosure');
  await checkPage(a);

  await clickAndWait(a, a.getByRole('link', { name: 'Everything' }));
  assert.equal(await itemWith(a, DISCLOSURE).count(), 1);
  await checkPage(a);
  await screenshot(a, 'repair-truth-log');

  const dark = await newPhoneContext(browser, {
    baseURL: app.url,
    colorScheme: 'dark',
    storageState: await hurt.storageState(),
  });
  const inDark = await dark.newPage();
  await inDark.goto('/truth');
  assert.equal(pathOf(inDark), '/truth');
  await checkPage(inDark);
  const background = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(await background(inDark), await background(a), 'dark mode has its own colours');
  await screenshot(inDark, 'repair-truth-log-dark');
  assertNoProblems(dark);
  await dark.close();

  assertNoProblemsForBoth();
});

// ---- the apology ------------------------------------------------------------------

const APOLOGY = {
  'What I did':
    'For eight months I kept a close, secret relationship with a colleague, and I lied to you about where I was and who I was writing to.',
  'The impact it had on you':
    'You have told me you stopped trusting your own memory of those months, and that you no longer feel safe when my phone lights up.',
  'That it was my choice and my responsibility':
    'It was my choice, every time. Nobody made me do it, and it is mine to answer for.',
  'My remorse': "I'm sorry if you were hurt by the messages.",
  'What I am changing':
    'I have ended all contact with her, I have left the project we shared, and I tell you the same day when she tries to reach me.',
};
const REMORSE_REVISED = 'I am deeply sorry that I hurt you. I lied to you again and again, and I regret every one of those lies.';
const REPAIR =
  'I will answer every question you ask, for as long as you need, and I will come to our therapy sessions each week.';
const NEED_MORE = 'I need to hear why you kept going after I asked you about her in March.';

test('an apology is coached part by part, sent, and answered by the hurt partner', async () => {
  const b = involved.page;
  await openFromMenu(b, 'Apology');
  assert.equal(pathOf(b), '/apology');
  await checkPage(b);
  assert.ok(await b.getByRole('heading', { name: 'Your apology', exact: true }).isVisible());
  await assertShows(b, 'You have not sent an apology yet.');
  assert.ok(await b.getByRole('heading', { name: 'Write your apology' }).isVisible());

  for (const [part, text] of Object.entries(APOLOGY)) {
    await b.getByLabel(part, { exact: true }).fill(text);
  }
  await clickAndWait(b, b.getByRole('button', { name: 'Check with the coach' }));
  assert.equal(pathOf(b), '/apology');
  const coachSays = b.getByRole('status');
  assert.match(await coachSays.textContent(), /The coach noticed 1 thing, shown under each part\./);
  await assertShows(coachSays, 'Still to write:');
  await assertShows(coachSays, 'How I will repair', 'the coach names the part not written yet');
  await assertAbsent(b.locator('.field-error'), 'a check marks nothing in red');
  await assertAbsent(b.locator('[aria-invalid="true"]'), 'and no field as invalid');
  const partHeight = (await b.getByLabel('What I did', { exact: true }).boundingBox()).height;
  assert.ok(partHeight >= 140, `a part is tall enough to read back (${partHeight} px)`);

  const remorse = b.getByLabel('My remorse', { exact: true });
  assert.equal(await remorse.inputValue(), APOLOGY['My remorse'], 'the text is kept after the check');
  const remorsePart = b.locator('.apology-part').filter({ has: remorse });
  const finding = remorsePart.getByRole('listitem');
  assert.equal(await finding.count(), 1, 'the finding is shown under the part it is about');
  await assertShows(finding, 'An "if" in the apology');
  assert.match(await finding.locator('q').textContent(), /sorry if/i, 'the finding quotes the words it points at');
  for (const [part, text] of Object.entries(APOLOGY)) {
    assert.equal(await b.getByLabel(part, { exact: true }).inputValue(), text, `"${part}" is kept as typed`);
  }
  await assertAbsent(
    b.locator('.apology-part').filter({ hasNot: remorse }).getByRole('listitem'),
    'no other part has a finding',
  );
  await checkPage(b);
  await screenshot(b, 'repair-apology-coach');

  await remorse.fill(REMORSE_REVISED);
  await b.getByLabel('How I will repair', { exact: true }).fill(REPAIR);
  await clickAndWait(b, b.getByRole('button', { name: 'Check with the coach' }));
  await assertShows(b.getByRole('status'), 'The coach found nothing to point at.');
  await checkPage(b);
  await clickAndWait(b, b.getByRole('button', { name: 'Send to my partner' }));
  assert.equal(pathOf(b), '/apology', `the apology is sent (the page says "${await headingOf(b)}")`);
  assert.ok(await b.getByRole('heading', { name: /^Version 1 sent / }).isVisible(), 'the first version is shown');
  await assertShows(b, 'Sent. Your partner will answer when they are ready.');
  await checkPage(b);

  const a = hurt.page;
  await openFromMenu(a, 'Apology');
  await checkPage(a);
  assert.ok(await a.getByRole('heading', { name: "Your partner's apology to you" }).isVisible());
  await assertShows(a, '"Not yet" is always allowed, and there is no hurry.', 'the reader is told there is no pressure');
  await assertAbsent(a.getByText('You write it in six parts'), 'the writer\'s introduction is not for the reader');
  await assertShows(a, 'Waiting for your answer. Take the time you need.');
  await assertShows(a, REMORSE_REVISED, 'the hurt partner reads the sent remorse');
  await assertShows(a, REPAIR);
  await assertAbsent(a.getByText(APOLOGY['My remorse']), 'the draft the coach flagged never reaches the partner');
  await assertAbsent(a.getByRole('button', { name: 'Send to my partner' }), 'the hurt partner has no apology form');
  assert.ok(await a.getByRole('heading', { name: 'Your answer to version 1' }).isVisible());
  await screenshot(a, 'repair-apology-hurt');

  const landing = a.getByRole('group', { name: 'How does this apology land with you?' });
  for (const choice of ['Received', 'Not yet', 'I need more']) {
    assert.ok(await landing.getByLabel(choice, { exact: true }).isVisible(), `"${choice}" can be answered`);
  }
  await landing.getByLabel('I need more', { exact: true }).check();
  await a.getByLabel('If you need more: what would you like to hear?').fill(NEED_MORE);
  await clickAndWait(a, a.getByRole('button', { name: 'Send my answer' }));
  assert.equal(pathOf(a), '/apology', `the answer is sent (the page says "${await headingOf(a)}")`);
  const ownNews = a.locator('.apology-news');
  await assertShows(ownNews, 'You answered: I need more');
  await assertShows(ownNews, NEED_MORE, 'with what was asked for');
  await assertAbsent(a.getByRole('button', { name: 'Send my answer' }), 'a version is answered once');
  await checkPage(a);

  await b.reload();
  const news = b.locator('.apology-news');
  await assertShows(news, 'Your partner answered: I need more', 'the involved partner sees the answer as news');
  await assertShows(news, 'What your partner needs to hear:');
  await assertShows(news, NEED_MORE);
  assert.equal(await b.getByText(NEED_MORE).count(), 1, 'what the partner needs to hear is shown once');
  assert.equal(await b.getByText('Your partner answered: I need more').count(), 1, 'and the answer once');
  const headline = await news.locator('.apology-news-headline').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  const body = await b.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.ok(headline > body, 'the answer is set larger than the text around it');
  assert.ok(
    (await news.boundingBox()).y < (await b.getByRole('heading', { name: /^Version 1 sent / }).boundingBox()).y,
    'the answer comes before the version it answers',
  );
  assert.ok(
    await b.getByRole('heading', { name: 'Write a new version' }).isVisible(),
    'a new version can be written',
  );
  assert.equal(
    await b.getByLabel('My remorse', { exact: true }).inputValue(),
    REMORSE_REVISED,
    'the new version starts from the last one sent',
  );
  await checkPage(b);
  await screenshot(b, 'repair-apology-answered');

  assertNoProblemsForBoth();
});

// ---- requests ---------------------------------------------------------------------

const VAGUE_REQUEST = 'Be more open with me';
const REQUEST = 'Text me when you leave work';
const FULFILMENT_NOTE = 'Sent from the car park at twenty to six.';

test('a request checked with the coach is accepted, kept, seen, and counted', async () => {
  const a = hurt.page;
  await openFromMenu(a, 'Requests');
  assert.equal(pathOf(a), '/requests');
  await checkPage(a);
  const what = a.getByLabel('What you would like your partner to do');
  await what.fill(VAGUE_REQUEST);
  await clickAndWait(a, a.getByRole('button', { name: 'Check with the coach' }));
  assert.equal(pathOf(a), '/requests');
  const coachSays = a.getByRole('status');
  assert.match(await coachSays.textContent(), /The coach noticed 2 things, shown under what they are about\./);
  const wordsPart = a.locator('.request-part').filter({ has: what });
  await assertShows(wordsPart.getByRole('listitem'), 'Something you could see', 'a vague request is pointed out under it');
  const rhythmPart = a.locator('.request-part').filter({ has: a.getByRole('group', { name: 'When, or how often' }) });
  await assertShows(
    rhythmPart.locator('.finding'),
    'This doesn\'t say when or how often',
    'a request without a time is pointed out under the rhythm',
  );
  assert.equal(await what.inputValue(), VAGUE_REQUEST, 'the request is kept after the check');
  await checkPage(a);
  await screenshot(a, 'repair-request-coach');

  await what.fill(REQUEST);
  const when = a.getByRole('group', { name: 'When, or how often' });
  await when.getByLabel('Every day', { exact: true }).check();
  await clickAndWait(a, a.getByRole('button', { name: 'Check with the coach' }));
  await assertShows(a.getByRole('status'), 'The coach found nothing to point at');
  assert.ok(await when.getByLabel('Every day', { exact: true }).isChecked(), 'the chosen rhythm is kept');
  await checkPage(a);
  await clickAndWait(a, a.getByRole('button', { name: 'Make the request' }));
  const requestPath = pathOf(a);
  assert.match(requestPath, /^\/requests\/\d+$/, `the request is made (the page says "${await headingOf(a)}")`);
  assert.equal(await headingOf(a), REQUEST);
  await assertShows(a, 'Every day');
  await assertShows(a, 'Waiting for an answer');
  await assertAbsent(a.getByRole('button', { name: 'Accept' }), 'the partner who asked does not accept it');
  await checkPage(a);

  const b = involved.page;
  await openFromMenu(b, 'Requests');
  await checkPage(b);
  await assertAbsent(b.getByText('Ask for something new'), 'the involved partner is not offered the request form');
  const waiting = itemWith(b, REQUEST);
  await assertShows(waiting, 'Waiting for your answer.');
  await clickAndWait(b, waiting.getByRole('link', { name: 'Open it' }));
  assert.equal(pathOf(b), requestPath);
  await checkPage(b);
  await clickAndWait(b, b.getByRole('button', { name: 'Accept' }));
  assert.equal(pathOf(b), requestPath);
  const agreedOn = new Date();
  await assertShows(b, 'Agreed');
  await assertShows(itemWith(b, 'Accepted'), 'You,', 'the history records who accepted');
  await assertShows(b, 'nothing expected yet; done 0 times', 'nothing is owed on the day it is agreed');
  await checkPage(b);

  await b.getByLabel('A note').fill(FULFILMENT_NOTE);
  await clickAndWait(b, b.getByRole('button', { name: 'Log it' }));
  assert.equal(pathOf(b), requestPath, `the fulfilment is logged (the page says "${await headingOf(b)}")`);
  const loggedOn = new Date();
  const done = itemWith(b, FULFILMENT_NOTE);
  await assertShows(done, `Done on ${dayAsWritten(loggedOn)}`);
  await assertAbsent(done.getByRole('button', { name: 'I saw it' }), 'nobody confirms what they logged themselves');
  await checkPage(b);

  // Agreed and done the same day: one of one. Should the test cross midnight
  // between the two, the day it was agreed is owed as well.
  const sameDay = dayAsWritten(agreedOn) === dayAsWritten(loggedOn);
  const kept = sameDay ? '1 of 1 (100%)' : '1 of 2 (50%)';

  await a.goto(requestPath);
  await assertShows(a, 'Agreed');
  const toConfirm = itemWith(a, FULFILMENT_NOTE);
  await assertShows(toConfirm, 'Your partner,');
  await clickAndWait(a, toConfirm.getByRole('button', { name: 'I saw it' }));
  assert.equal(pathOf(a), requestPath);
  const confirmed = itemWith(a, FULFILMENT_NOTE);
  await assertShows(confirmed, 'You saw it (');
  await assertAbsent(confirmed.getByRole('button', { name: 'I saw it' }), 'a fulfilment is confirmed once');
  const lastWeek = itemWith(a, 'Last 7 days');
  assert.equal(
    (await lastWeek.locator('.reliability-text').textContent()).trim(),
    `${kept}, 1 confirmed`,
    'the reliability counts the time done and the time seen',
  );
  const meter = lastWeek.getByRole('meter');
  assert.equal(await meter.getAttribute('value'), sameDay ? '100' : '50');
  const meterWidth = (await meter.boundingBox()).width;
  const rowWidth = (await lastWeek.boundingBox()).width;
  assert.ok(meterWidth >= rowWidth - 1, `the bar spans its row (${meterWidth} of ${rowWidth} px)`);
  await assertShows(itemWith(a, 'Last 30 days'), `${kept}, 1 confirmed`);
  await checkPage(a);
  await screenshot(a, 'repair-request-detail');

  await openFromMenu(a, 'Requests');
  assert.ok(await a.getByRole('heading', { name: 'Agreed' }).isVisible(), 'the request is listed as agreed');
  const listed = itemWith(a, REQUEST).filter({ hasText: 'Last 7 days' });
  await assertShows(listed, `${kept}, 1 confirmed`, 'the list shows how reliably it was kept');
  await assertAbsent(listed.locator('.tag'), 'no tag repeats the "Agreed" heading');
  const newRequest = a.getByText('Ask for something new', { exact: true });
  assert.ok(await newRequest.isVisible(), 'a new request stays one tap away');
  assert.equal(
    await a.getByLabel('What you would like your partner to do').isVisible(),
    false,
    'its form is folded while there are requests to look at',
  );
  await checkPage(a);
  await screenshot(a, 'repair-requests');

  await b.reload();
  await assertShows(itemWith(b, FULFILMENT_NOTE), 'Your partner saw it (', 'the involved partner sees it was seen');
  await checkPage(b);

  assertNoProblemsForBoth();
});

// ---- every page, every width, light and dark ---------------------------------------

test('every repair page fits a phone and a desktop, in light and in dark', async () => {
  const requestLink = await hurt.page.goto('/requests').then(() =>
    hurt.page.getByRole('link', { name: REQUEST }).first().getAttribute('href'),
  );
  const pages = [
    ['truth', '/truth'],
    ['apology', '/apology'],
    ['requests', '/requests'],
    ['request', requestLink],
    ['commitments', '/commitments'],
    ['contact', '/contact'],
  ];
  for (const [who, person] of [['a', hurt], ['b', involved]]) {
    const storageState = await person.storageState();
    for (const [width, open] of [['390', newPhoneContext], ['1280', newDesktopContext]]) {
      for (const colorScheme of ['light', 'dark']) {
        const context = await open(browser, { baseURL: app.url, colorScheme, storageState });
        const page = await context.newPage();
        for (const [name, path] of pages) {
          await page.goto(path);
          assert.equal(pathOf(page), path, `${path} opens for ${who}`);
          await checkPage(page);
          await screenshot(page, `repair-${name}-${who}-${width}-${colorScheme}`);
        }
        assertNoProblems(context);
        await context.close();
      }
    }
  }
});
