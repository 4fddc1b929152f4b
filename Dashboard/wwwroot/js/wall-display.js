// Browser side of the wall display (/wall). App.razor loads this script after blazor.web.js, which it loads
// with autostart="false", so this script starts Blazor with its own reconnection handler:
//
// - When the connection drops, a full-screen overlay shows how long it has been down, ticking every second,
//   and the handler calls Blazor.reconnect() forever, with a back-off of 1, 2, 4 ... seconds capped at the
//   overlay's data-reconnect-max-ms.
// - When the server responds but rejects the circuit (after a restart it has no such circuit), the page
//   reloads itself, once a plain request for it succeeds, so a server that is still starting never leaves
//   the browser on an error page. The address keeps ?page=, so the rotation resumes where it was.
// - A watchdog reloads the page when the server has not updated the wall's data-heartbeat for
//   data-watchdog-ms although the connection looks open: a circuit that failed or never started.
// - It keeps ?page= in the address in step with the page on screen, and plays the alert sound while the
//   server lists unacknowledged Critical or High alerts in data-annunciate.
//
// The script adds no inline code or handlers, so it runs under a Content-Security-Policy of script-src 'self'.
(() => {
    "use strict";

    const overlay = document.getElementById("wall-connection");
    const title = document.getElementById("wall-connection-title");
    const elapsed = document.getElementById("wall-connection-elapsed");
    const text = document.getElementById("wall-connection-text");
    const detail = document.getElementById("wall-connection-detail");
    const soundBlocked = document.getElementById("wall-sound-blocked");

    const config = {
        reconnectMaxMs: Number(overlay.dataset.reconnectMaxMs) || 10000,
        watchdogMs: Number(overlay.dataset.watchdogMs) || 30000,
        soundEnabled: overlay.dataset.soundEnabled === "true",
        soundSrc: overlay.dataset.soundSrc,
        soundRepeatMs: Number(overlay.dataset.soundRepeatMs) || 30000,
    };

    // phase: "starting" until the first interactive render, then "live"; "reconnecting" while the
    // connection is down; "reloading" after a rejected circuit or a watchdog timeout.
    const state = {
        phase: "starting",
        lostAt: null,
        attempt: 0,
        nextAttemptAt: null,
        recovery: null,
        heartbeat: null,
        heartbeatSeenAt: Date.now(),
        lastUpdateText: null,
        reloadReason: null,
        sound: { audio: null, known: new Set(), lastPlayedAt: 0, attempts: 0, plays: 0, blocked: false },
    };

    const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

    // Back-off before reconnection attempt `attempt` (from 0): at once, then 1 s, 2 s, 4 s ... up to the cap.
    function backoff(attempt) {
        return attempt === 0 ? 0 : Math.min(config.reconnectMaxMs, 1000 * 2 ** (attempt - 1));
    }

    function duration(ms) {
        const seconds = Math.max(0, Math.floor(ms / 1000));
        if (seconds < 60) {
            return `${seconds} s`;
        }

        const minutes = Math.floor(seconds / 60);
        if (minutes < 60) {
            return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
        }

        return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
    }

    function view() {
        return document.getElementById("wall-view");
    }

    function isInteractive() {
        return document.querySelector(".wall-layout")?.dataset.interactive === "true";
    }

    function showOverlay() {
        const now = Date.now();
        if (state.phase === "live" || state.phase === "starting") {
            overlay.hidden = true;
            return;
        }

        const since = state.lostAt ?? now;
        const values = state.lastUpdateText ? `Values on screen are from ${state.lastUpdateText}.` : "";
        if (state.phase === "reconnecting") {
            title.textContent = "CONNECTION LOST";
            const wait = state.nextAttemptAt === null ? "now" : `in ${Math.ceil(Math.max(0, state.nextAttemptAt - now) / 1000)} s`;
            text.textContent = `Reconnecting to the server: attempt ${state.attempt + 1}, ${wait}.`;
        } else if (state.reloadReason === "watchdog") {
            title.textContent = "DISPLAY NOT UPDATING";
            text.textContent = "The server sent no update. Reloading the page as soon as the server responds.";
        } else {
            title.textContent = "RELOADING";
            text.textContent = "The server no longer has this display's session, as after a restart. Reloading the page as soon as the server responds.";
        }

        elapsed.textContent = `for ${duration(now - since)}`;
        detail.textContent = values;
        overlay.hidden = false;
    }

    function connectionLost(isPause) {
        if (state.recovery !== null || state.phase === "reloading") {
            return;
        }

        state.phase = "reconnecting";
        state.lostAt = Date.now();
        state.attempt = 0;
        const recovery = { cancelled: false };
        state.recovery = recovery;
        showOverlay();
        recover(recovery, isPause === true);
    }

    function connectionRestored() {
        if (state.recovery !== null) {
            state.recovery.cancelled = true;
            state.recovery = null;
        }

        if (state.phase !== "reloading") {
            state.phase = "live";
            state.lostAt = null;
            state.heartbeatSeenAt = Date.now();
        }

        showOverlay();
    }

    async function recover(recovery, isPause) {
        while (!recovery.cancelled) {
            const wait = backoff(state.attempt);
            state.nextAttemptAt = Date.now() + wait;
            showOverlay();
            await sleep(wait);
            if (recovery.cancelled) {
                return;
            }

            state.nextAttemptAt = null;
            showOverlay();
            let accepted;
            try {
                accepted = isPause ? await Blazor.resumeCircuit() : await Blazor.reconnect();
            } catch (error) {
                // The server is unreachable; try again after the next back-off.
                state.attempt++;
                continue;
            }

            if (recovery.cancelled) {
                return;
            }

            if (accepted) {
                connectionRestored();
                return;
            }

            // The server responded but rejected the circuit id, as after a restart.
            state.recovery = null;
            reloadWhenReachable("rejected");
            return;
        }
    }

    // Reloads the page once a plain GET of it succeeds, retrying with the same capped back-off.
    async function reloadWhenReachable(reason) {
        if (state.phase === "reloading") {
            return;
        }

        state.phase = "reloading";
        state.reloadReason = reason;
        state.lostAt ??= Date.now();
        showOverlay();
        for (let attempt = 1; ; attempt++) {
            try {
                const response = await fetch(location.href, { cache: "no-store", credentials: "same-origin" });
                if (response.ok) {
                    location.reload();
                    return;
                }
            } catch (error) {
                // Not reachable yet.
            }

            await sleep(backoff(attempt));
        }
    }

    // Keeps ?page= in step with the page on screen, with replaceState so no history entries pile up.
    function syncAddress(element) {
        const page = element.dataset.page;
        const url = new URL(location.href);
        if (page && url.searchParams.get("page") !== page) {
            url.searchParams.set("page", page);
            history.replaceState(history.state, "", url);
        }
    }

    function watch(element, now) {
        if (element.dataset.heartbeat !== state.heartbeat) {
            state.heartbeat = element.dataset.heartbeat;
            state.heartbeatSeenAt = now;
            state.lastUpdateText = element.dataset.updatedText;
        }

        if (element.dataset.revoked === "true") {
            return;
        }

        const watched = state.phase === "live" || state.phase === "starting";
        if (watched && now - state.heartbeatSeenAt > config.watchdogMs) {
            console.warn(`The wall received no update for ${duration(now - state.heartbeatSeenAt)}; reloading.`);
            state.lostAt = state.heartbeatSeenAt;
            reloadWhenReachable("watchdog");
        }
    }

    function annunciate(element, now) {
        if (!config.soundEnabled) {
            return;
        }

        const keys = state.phase === "live" && element.dataset.annunciate ? element.dataset.annunciate.split(" ") : [];
        const sound = state.sound;
        const isNew = keys.some(key => !sound.known.has(key));
        sound.known = new Set(keys);
        if (keys.length === 0 || (!isNew && now - sound.lastPlayedAt < config.soundRepeatMs)) {
            return;
        }

        sound.lastPlayedAt = now;
        sound.attempts++;
        sound.audio ??= new Audio(config.soundSrc);
        sound.audio.currentTime = 0;
        sound.audio.play().then(() => {
            sound.plays++;
            sound.blocked = false;
            soundBlocked.hidden = true;
        }, error => {
            // Browsers block sound until the user interacts with the page, unless the kiosk allows autoplay.
            sound.blocked = true;
            soundBlocked.hidden = false;
            console.warn(`The alert sound could not play: ${error}`);
        });
    }

    function tick() {
        const now = Date.now();
        const element = view();
        if (element !== null) {
            if (state.phase === "starting" && isInteractive()) {
                state.phase = "live";
            }

            syncAddress(element);
            watch(element, now);
            annunciate(element, now);
        }

        showOverlay();
    }

    window.dashboardWall = {
        // The wall page calls this after its first render to check that it runs in this document.
        attach: () => true,
        // A snapshot of the state, for tests and for a look from the browser console.
        status: () => ({
            phase: state.phase,
            attempt: state.attempt,
            lostAt: state.lostAt,
            soundAttempts: state.sound.attempts,
            soundPlays: state.sound.plays,
            soundBlocked: state.sound.blocked,
        }),
    };

    setInterval(tick, 1000);
    Blazor.start({
        circuit: {
            reconnectionHandler: {
                onConnectionDown: (options, error, isClientPause, isRemotePause) => connectionLost(isClientPause || isRemotePause),
                onConnectionUp: () => connectionRestored(),
            },
        },
    }).then(tick, error => {
        // The watchdog reloads the page once the server responds.
        console.warn(`Blazor did not start: ${error}`);
    });
})();
