import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { RenderScheduler } from '../../src/topologyPanel/renderScheduler';

const DELAY = 250;

/** Lets the promise callbacks of a finished render run (setImmediate is not mocked). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A render that counts its calls and finishes when the test says so; with `postsDiagram`, each
 * render says it posted a diagram (the page is to acknowledge it), as the panel's renders do.
 */
function controlledRender(postsDiagram = false) {
  const finishers: (() => void)[] = [];
  let failNext: Error | undefined;
  const ids: number[] = [];
  const render = mock.fn(
    (requestId: number) =>
      new Promise<boolean>((resolve, reject) => {
        ids.push(requestId);
        const error = failNext;
        failNext = undefined;
        finishers.push(() => (error ? reject(error) : resolve(postsDiagram)));
      }),
  );
  return {
    render,
    get count() {
      return render.mock.callCount();
    },
    /** The request ids the renders were given, in order. */
    ids,
    /** The id of the last render begun: the one its diagram carries, for the page to acknowledge. */
    get lastId() {
      return ids[ids.length - 1];
    },
    /** Finishes every render in flight. */
    async finish() {
      finishers.splice(0).forEach((done) => done());
      await settle();
    },
    failNextWith(error: Error) {
      failNext = error;
    },
  };
}

describe('RenderScheduler', () => {
  let errors: unknown[];
  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout'] });
    errors = [];
  });
  afterEach(() => mock.timers.reset());

  const make = (render: (requestId: number) => Promise<boolean | void>) => new RenderScheduler(render, { delayMs: DELAY, onError: (error) => errors.push(error) });
  /** A scheduler whose page said it is ready, and whose first render has finished. */
  const afterFirstRender = async () => {
    const r = controlledRender();
    const scheduler = make(r.render);
    scheduler.pageReady();
    mock.timers.tick(0);
    await r.finish();
    return { r, scheduler };
  };

  test('does not render before the page is ready, then renders at once', async () => {
    const r = controlledRender();
    const scheduler = make(r.render);
    scheduler.request(0);
    mock.timers.tick(10 * DELAY);
    assert.equal(r.count, 0);
    assert.equal(scheduler.isStale, true);
    scheduler.pageReady();
    mock.timers.tick(0);
    assert.equal(r.count, 1);
    assert.equal(scheduler.isStale, false);
  });

  test('a burst of requests coalesces into one render, delayMs after the last', async () => {
    const { r, scheduler } = await afterFirstRender();
    assert.equal(r.count, 1);
    for (let i = 0; i < 10; i++) {
      scheduler.request();
      mock.timers.tick(DELAY - 1);
    }
    assert.equal(r.count, 1, 'still waiting: every request restarted the wait');
    mock.timers.tick(1);
    assert.equal(r.count, 2);
    await r.finish();
    mock.timers.tick(10 * DELAY);
    assert.equal(r.count, 2);
    assert.equal(scheduler.pending, false);
  });

  test('a request of delay 0 replaces a waiting one', async () => {
    const { r, scheduler } = await afterFirstRender();
    scheduler.request();
    scheduler.request(0);
    mock.timers.tick(0);
    assert.equal(r.count, 2);
    await r.finish();
    mock.timers.tick(DELAY);
    assert.equal(r.count, 2);
  });

  test('requests during a render cause exactly one more render, after it', async () => {
    const r = controlledRender();
    const scheduler = make(r.render);
    scheduler.pageReady();
    mock.timers.tick(0);
    assert.equal(r.count, 1, 'first render in flight');
    for (let i = 0; i < 5; i++) {
      scheduler.request(0);
      mock.timers.tick(0);
    }
    assert.equal(r.count, 1, 'no render starts while one is in flight');
    await r.finish();
    assert.equal(r.count, 2, 'exactly one more, right after');
    await r.finish();
    mock.timers.tick(10 * DELAY);
    await settle();
    assert.equal(r.count, 2, 'and no third');
  });

  test('a hidden panel does not render, marks itself stale and renders on reveal', async () => {
    const { r, scheduler } = await afterFirstRender();
    scheduler.setVisible(false);
    scheduler.request();
    scheduler.request(0);
    mock.timers.tick(10 * DELAY);
    assert.equal(r.count, 1, 'no render while hidden');
    assert.equal(scheduler.isStale, true);
    scheduler.setVisible(true);
    mock.timers.tick(DELAY);
    assert.equal(r.count, 2, 'rendered on reveal');
    assert.equal(scheduler.isStale, false);
  });

  test('hiding drops a waiting render and keeps it as stale; a fresh panel shown again does not render', async () => {
    const { r, scheduler } = await afterFirstRender();
    scheduler.request();
    scheduler.setVisible(false);
    mock.timers.tick(10 * DELAY);
    assert.equal(r.count, 1);
    assert.equal(scheduler.isStale, true);
    scheduler.setVisible(true);
    mock.timers.tick(DELAY);
    await r.finish();
    assert.equal(r.count, 2);
    scheduler.setVisible(false);
    scheduler.setVisible(true);
    mock.timers.tick(10 * DELAY);
    assert.equal(r.count, 2, 'nothing changed while hidden: no render on reveal');
  });

  test('on reveal, the ready of a reloaded page and the stale redraw make one render', async () => {
    const { r, scheduler } = await afterFirstRender();
    scheduler.setVisible(false);
    scheduler.request();
    scheduler.setVisible(true);
    mock.timers.tick(DELAY / 2);
    scheduler.pageReady();
    mock.timers.tick(10 * DELAY);
    assert.equal(r.count, 2);
  });

  test('a render finishing while hidden leaves the follow-up for the reveal', async () => {
    const r = controlledRender();
    const scheduler = make(r.render);
    scheduler.pageReady();
    mock.timers.tick(0);
    scheduler.request(0);
    mock.timers.tick(0);
    scheduler.setVisible(false);
    await r.finish();
    assert.equal(r.count, 1);
    assert.equal(scheduler.isStale, true);
    scheduler.setVisible(true);
    mock.timers.tick(DELAY);
    assert.equal(r.count, 2);
  });

  test('a failing render is reported and the scheduler goes on', async () => {
    const r = controlledRender();
    const scheduler = make(r.render);
    r.failNextWith(new Error('engine gone'));
    scheduler.pageReady();
    mock.timers.tick(0);
    await r.finish();
    assert.deepEqual(errors.map((e) => (e as Error).message), ['engine gone']);
    scheduler.request(0);
    mock.timers.tick(0);
    assert.equal(r.count, 2);
  });

  test('a render that throws synchronously is reported too', async () => {
    const scheduler = make(() => {
      throw new Error('boom');
    });
    scheduler.pageReady();
    mock.timers.tick(0);
    await settle();
    assert.deepEqual(errors.map((e) => (e as Error).message), ['boom']);
  });

  test('dispose stops every timer: nothing renders again', async () => {
    const r = controlledRender();
    const scheduler = make(r.render);
    scheduler.pageReady();
    mock.timers.tick(0);
    scheduler.request(0);
    mock.timers.tick(0); // a follow-up is due when the render in flight finishes
    scheduler.request(); // and a timer waits
    assert.equal(scheduler.pending, true);
    scheduler.dispose();
    assert.equal(scheduler.pending, false, 'the waiting timer is cleared');
    await r.finish();
    mock.timers.tick(100 * DELAY);
    assert.equal(r.count, 1, 'no follow-up after dispose');
    scheduler.request(0);
    scheduler.pageReady();
    scheduler.setVisible(false);
    scheduler.setVisible(true);
    mock.timers.tick(100 * DELAY);
    await settle();
    assert.equal(r.count, 1, 'requests after dispose do nothing');
    assert.equal(scheduler.pending, false);
  });

  test('a posted diagram waits for the page: 20 requests before its acknowledgement make no render, the acknowledgement one', async () => {
    const r = controlledRender(true);
    const scheduler = make(r.render);
    scheduler.pageReady();
    mock.timers.tick(0);
    await r.finish();
    assert.equal(scheduler.awaitingAcknowledgement, true);
    for (let i = 0; i < 20; i++) {
      scheduler.request();
      mock.timers.tick(DELAY);
    }
    await settle();
    assert.equal(r.count, 1, 'no render while the page has not drawn the last diagram');
    assert.equal(scheduler.isStale, true);
    scheduler.acknowledged(r.lastId);
    mock.timers.tick(0);
    assert.equal(r.count, 2, 'one render for everything asked meanwhile');
    await r.finish();
    scheduler.acknowledged(r.lastId);
    mock.timers.tick(10 * DELAY);
    assert.equal(r.count, 2, 'nothing more asked: nothing more drawn');
  });

  test('each render is given the next request id; only the acknowledgement of the awaited id releases the next render', async () => {
    const r = controlledRender(true);
    const scheduler = make(r.render);
    scheduler.pageReady();
    mock.timers.tick(0);
    await r.finish();
    assert.deepEqual(r.ids, [1]);
    assert.equal(scheduler.awaitedRequest, 1);
    scheduler.request(0);
    mock.timers.tick(0);
    scheduler.acknowledged(0);
    scheduler.acknowledged(2);
    mock.timers.tick(10 * DELAY);
    await settle();
    assert.equal(r.count, 1, 'an acknowledgement of another id releases nothing');
    assert.equal(scheduler.awaitedRequest, 1);
    scheduler.acknowledged(1);
    mock.timers.tick(0);
    await r.finish();
    assert.deepEqual(r.ids, [1, 2]);
    assert.equal(scheduler.awaitedRequest, 2);
    // A late acknowledgement of the first diagram does not stand for the second.
    scheduler.acknowledged(1);
    assert.equal(scheduler.awaitedRequest, 2);
    scheduler.acknowledged(2);
    assert.equal(scheduler.awaitingAcknowledgement, false);
  });

  test('a render that posted nothing (a notice, an error) awaits no acknowledgement, and its id is not reused', async () => {
    const { r, scheduler } = await afterFirstRender();
    assert.equal(scheduler.awaitingAcknowledgement, false);
    scheduler.request(0);
    mock.timers.tick(0);
    await r.finish();
    assert.deepEqual(r.ids, [1, 2]);
  });

  test('the user acting in the page releases the next render, whatever the page acknowledged', async () => {
    const r = controlledRender(true);
    const scheduler = make(r.render);
    scheduler.pageReady();
    mock.timers.tick(0);
    await r.finish();
    scheduler.request(0);
    mock.timers.tick(0);
    assert.equal(r.count, 1);
    scheduler.pageActed();
    mock.timers.tick(0);
    assert.equal(r.count, 2, 'the stale diagram is drawn at once');
    await r.finish();
  });

  test('a page gone without a word (a closed browser tab) costs no render until a new page is ready', async () => {
    const r = controlledRender(true);
    const scheduler = make(r.render);
    scheduler.pageReady();
    mock.timers.tick(0);
    await r.finish();
    // Five minutes of engine events, one every two seconds.
    for (let i = 0; i < 150; i++) {
      scheduler.request();
      mock.timers.tick(2000);
    }
    await settle();
    assert.equal(r.count, 1);
    scheduler.pageReady();
    mock.timers.tick(0);
    assert.equal(r.count, 2, 'a new page is drawn at once');
  });

  test('hidden with 20 requests: no render; shown again: exactly one, for the reloaded page', async () => {
    const r = controlledRender(true);
    const scheduler = make(r.render);
    scheduler.pageReady();
    mock.timers.tick(0);
    await r.finish();
    scheduler.acknowledged(r.lastId);
    scheduler.setVisible(false);
    for (let i = 0; i < 20; i++) {
      scheduler.request(i % 2 === 0 ? 0 : undefined);
      mock.timers.tick(DELAY);
    }
    await settle();
    assert.equal(r.count, 1, 'no render while hidden');
    scheduler.setVisible(true);
    mock.timers.tick(DELAY / 2);
    scheduler.pageReady();
    mock.timers.tick(10 * DELAY);
    await r.finish();
    mock.timers.tick(10 * DELAY);
    assert.equal(r.count, 2, 'one render on reveal');
  });

  test('a diagram left unacknowledged by a page hidden meanwhile does not block the reveal', async () => {
    const r = controlledRender(true);
    const scheduler = make(r.render);
    scheduler.pageReady();
    mock.timers.tick(0);
    await r.finish();
    scheduler.setVisible(false);
    scheduler.request(0);
    scheduler.setVisible(true);
    mock.timers.tick(10 * DELAY);
    assert.equal(r.count, 1, 'the old page never answers; the new one has not said it is ready yet');
    scheduler.pageReady();
    mock.timers.tick(0);
    assert.equal(r.count, 2);
  });

  test('after dispose, an acknowledgement renders nothing', async () => {
    const r = controlledRender(true);
    const scheduler = make(r.render);
    scheduler.pageReady();
    mock.timers.tick(0);
    scheduler.request(0);
    scheduler.dispose();
    await r.finish();
    scheduler.acknowledged(r.lastId);
    mock.timers.tick(100 * DELAY);
    await settle();
    assert.equal(r.count, 1);
    assert.equal(scheduler.awaitingAcknowledgement, false);
  });

  test('a page quiet for longer than the lease (a closed browser tab, its last diagram acknowledged) costs no render; its next word draws the stale diagram', async () => {
    let clock = 1_000;
    const r = controlledRender(true);
    const scheduler = new RenderScheduler(r.render, { delayMs: DELAY, onError: (error) => errors.push(error), leaseMs: 15_000, now: () => clock });
    scheduler.pageReady();
    mock.timers.tick(0);
    await r.finish();
    scheduler.heard();
    scheduler.acknowledged(r.lastId);
    assert.equal(r.count, 1);
    // Alive every 5 s: still drawn for.
    clock += 14_000;
    scheduler.heard();
    scheduler.request();
    mock.timers.tick(DELAY);
    await r.finish();
    scheduler.acknowledged(r.lastId);
    assert.equal(r.count, 2);
    // The tab closes: nothing more is heard; 20 engine events later, no render.
    clock += 16_000;
    for (let i = 0; i < 20; i++) {
      scheduler.request();
      mock.timers.tick(DELAY);
      await settle();
    }
    assert.equal(r.count, 2, 'no render for a page not heard from within the lease');
    assert.equal(scheduler.isStale, true);
    // The same page speaks again (its tab shown again): one render, at once.
    scheduler.heard();
    mock.timers.tick(0);
    await r.finish();
    assert.equal(r.count, 3);
    scheduler.dispose();
  });

  test('a page that reloads when shown: hidden with 20 requests, shown again, exactly one render, once the new page is ready (however late)', async () => {
    const r = controlledRender(true);
    const scheduler = new RenderScheduler(r.render, { delayMs: DELAY, onError: (error) => errors.push(error), reloadsWhenShown: true });
    scheduler.pageReady();
    mock.timers.tick(0);
    await r.finish();
    scheduler.acknowledged(r.lastId);
    scheduler.setVisible(false);
    for (let i = 0; i < 20; i++) scheduler.request();
    scheduler.setVisible(true);
    mock.timers.tick(5 * DELAY);
    await settle();
    assert.equal(r.count, 1, 'nothing drawn before the new page is ready');
    scheduler.pageReady();
    mock.timers.tick(0);
    await r.finish();
    assert.equal(r.count, 2);
    scheduler.dispose();
  });

  describe('a page that is loading (its HTML just set)', () => {
    /** As the panel makes it: a lease, a page that reloads when shown, a repost counted here. */
    const makeLoading = (render: (requestId: number) => Promise<boolean | void>) => {
      const repost = mock.fn();
      const scheduler = new RenderScheduler(render, { delayMs: DELAY, onError: (error) => errors.push(error), leaseMs: 60_000, reloadsWhenShown: true, repost });
      return { scheduler, reposts: () => repost.mock.callCount() };
    };

    test('its first diagram is drawn at once, before its ready; the ready reposts it and draws nothing more', async () => {
      const r = controlledRender(true);
      const { scheduler, reposts } = makeLoading(r.render);
      // The panel's own first requests (following the session) come before the HTML is set.
      scheduler.request(0);
      scheduler.pageLoading();
      mock.timers.tick(0);
      assert.equal(r.count, 1, 'drawn while the page loads');
      await r.finish();
      assert.equal(scheduler.awaitingAcknowledgement, true);
      scheduler.heard();
      scheduler.pageReady();
      mock.timers.tick(10 * DELAY);
      await settle();
      assert.equal(r.count, 1, 'the ready costs no second redraw (no second probe)');
      assert.equal(reposts(), 1, 'the diagram is posted once more');
      scheduler.acknowledged(r.lastId);
      mock.timers.tick(10 * DELAY);
      assert.equal(r.count, 1, 'nothing was asked meanwhile: nothing more is drawn');
      scheduler.dispose();
    });

    test('what is asked for while it loads is drawn once, after the page acknowledged the first diagram', async () => {
      const r = controlledRender(true);
      const { scheduler, reposts } = makeLoading(r.render);
      scheduler.pageLoading();
      mock.timers.tick(0);
      await r.finish();
      for (let i = 0; i < 5; i++) {
        scheduler.request();
        mock.timers.tick(DELAY);
      }
      await settle();
      assert.equal(r.count, 1);
      scheduler.pageReady();
      mock.timers.tick(10 * DELAY);
      assert.equal(r.count, 1, 'not before the acknowledgement');
      assert.equal(reposts(), 1);
      scheduler.acknowledged(r.lastId);
      mock.timers.tick(0);
      assert.equal(r.count, 2, 'one redraw for everything asked meanwhile');
      scheduler.dispose();
    });

    test('a ready while its first diagram is still being collected: no second redraw and no repost', async () => {
      const r = controlledRender(true);
      const { scheduler, reposts } = makeLoading(r.render);
      scheduler.pageLoading();
      mock.timers.tick(0);
      assert.equal(r.count, 1);
      scheduler.pageReady();
      mock.timers.tick(10 * DELAY);
      await r.finish();
      mock.timers.tick(10 * DELAY);
      assert.equal(r.count, 1);
      assert.equal(reposts(), 0, 'posted after the ready: nothing to post again');
      assert.equal(scheduler.awaitingAcknowledgement, true);
      scheduler.dispose();
    });

    test('a ready before the first draw began makes exactly one draw', async () => {
      const r = controlledRender(true);
      const { scheduler, reposts } = makeLoading(r.render);
      scheduler.pageLoading();
      scheduler.pageReady();
      mock.timers.tick(10 * DELAY);
      await r.finish();
      mock.timers.tick(10 * DELAY);
      assert.equal(r.count, 1);
      assert.equal(reposts(), 0);
      scheduler.dispose();
    });

    test('a first draw that posted no diagram (the engine still connecting): the ready draws again, as before', async () => {
      const r = controlledRender(false);
      const { scheduler, reposts } = makeLoading(r.render);
      scheduler.pageLoading();
      mock.timers.tick(0);
      await r.finish();
      scheduler.pageReady();
      mock.timers.tick(0);
      assert.equal(r.count, 2);
      assert.equal(reposts(), 0);
      scheduler.dispose();
    });

    test('hidden while it loads: nothing more is drawn until the page reloaded on reveal says it is ready', async () => {
      const r = controlledRender(true);
      const { scheduler, reposts } = makeLoading(r.render);
      scheduler.pageLoading();
      mock.timers.tick(0);
      await r.finish();
      scheduler.setVisible(false);
      for (let i = 0; i < 5; i++) scheduler.request();
      scheduler.setVisible(true);
      mock.timers.tick(10 * DELAY);
      await settle();
      assert.equal(r.count, 1, 'the reloaded page has not said it is ready');
      scheduler.pageReady();
      mock.timers.tick(0);
      await r.finish();
      assert.equal(r.count, 2, 'the new page is drawn at once');
      assert.equal(reposts(), 0, 'the page that loaded with the first diagram is gone');
      scheduler.dispose();
    });
  });
});
