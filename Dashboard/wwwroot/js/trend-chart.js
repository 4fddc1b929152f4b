// Live trend charts drawn with ApexCharts 4.7.0, which App.razor loads as the global `ApexCharts`.
// Points arrive in small batches from Blazor; each series keeps a bounded window, and the chart redraws at
// most once per `minIntervalMs`, however often points arrive. A null value is a gap and is drawn as one.

const charts = new Map();
let nextId = 1;

// ApexCharts writes series names into the legend and tooltip with innerHTML, so names are escaped first.
function escapeHtml(text) {
    return String(text)
        .replaceAll("&", "&amp;")
        .replaceAll("<", "&lt;")
        .replaceAll(">", "&gt;")
        .replaceAll('"', "&quot;")
        .replaceAll("'", "&#39;");
}

function toSeries(state) {
    return state.series.map(s => ({ name: s.name, type: s.type, data: s.data }));
}

function schedule(state) {
    if (state.timer !== null) {
        return;
    }

    const wait = Math.max(0, state.lastDraw + state.minIntervalMs - performance.now());
    state.timer = setTimeout(() => {
        state.timer = null;
        state.lastDraw = performance.now();
        state.draws++;
        state.chart.updateSeries(toSeries(state), false);
    }, wait);
}

function trim(series, maxPoints) {
    if (series.data.length > maxPoints) {
        series.data.splice(0, series.data.length - maxPoints);
    }
}

/**
 * Creates a chart in `element` and returns its id.
 * config: { series: [{ name, points: [[epochMs, value|null], ...], type?: "line"|"rangeArea" }],
 *           maxPoints, minIntervalMs, height, yTitle?, decimals? }
 */
export function create(element, config) {
    const state = {
        series: config.series.map(s => ({ name: escapeHtml(s.name), type: s.type ?? "line", data: s.points.slice(-config.maxPoints) })),
        maxPoints: config.maxPoints,
        minIntervalMs: config.minIntervalMs ?? 250,
        lastDraw: 0,
        timer: null,
        draws: 0,
        chart: null,
    };

    const decimals = config.decimals ?? 2;
    const options = {
        chart: {
            type: "line",
            height: config.height ?? 320,
            animations: { enabled: false },
            toolbar: { show: false },
            zoom: { enabled: false },
            fontFamily: "inherit",
        },
        series: toSeries(state),
        stroke: { width: 2, curve: "straight" },
        markers: { size: 0 },
        dataLabels: { enabled: false },
        legend: { show: true, position: "top", horizontalAlign: "left" },
        xaxis: { type: "datetime", labels: { datetimeUTC: false } },
        yaxis: { decimalsInFloat: decimals },
        tooltip: { x: { format: "yyyy-MM-dd HH:mm:ss" }, shared: true },
        noData: { text: "No readings yet" },
    };

    // Only set when given: an explicit `title: undefined` replaces ApexCharts' default title object, and
    // rendering then fails reading `title.text`.
    if (config.yTitle) {
        options.yaxis.title = { text: escapeHtml(config.yTitle) };
    }

    if (config.colors) {
        options.colors = config.colors;
    }

    if (config.fill) {
        options.fill = config.fill;
    }

    state.chart = new ApexCharts(element, options);
    state.chart.render();
    const id = nextId++;
    charts.set(id, state);
    return id;
}

/** Appends points per series (an array aligned with the chart's series) and schedules a redraw. */
export function append(id, additions) {
    const state = charts.get(id);
    if (!state) {
        return;
    }

    additions.forEach((points, index) => {
        const series = state.series[index];
        if (!series || !points || points.length === 0) {
            return;
        }

        for (const point of points) {
            series.data.push(point);
        }

        trim(series, state.maxPoints);
    });
    schedule(state);
}

/** Replaces every series, for example after a backfill from history or a change of metrics. */
export function replace(id, series) {
    const state = charts.get(id);
    if (!state) {
        return;
    }

    state.series = series.map(s => ({ name: escapeHtml(s.name), type: s.type ?? "line", data: s.points.slice(-state.maxPoints) }));
    schedule(state);
}

/** Returns how often the chart has redrawn and how many points it holds, for tests and diagnostics. */
export function stats(id) {
    const state = charts.get(id);
    return state ? { draws: state.draws, points: state.series.reduce((sum, s) => sum + s.data.length, 0) } : null;
}

export function dispose(id) {
    const state = charts.get(id);
    if (!state) {
        return;
    }

    if (state.timer !== null) {
        clearTimeout(state.timer);
    }

    state.chart.destroy();
    charts.delete(id);
}
