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

// A chart with a band (rangeArea) needs every series as {x, y} objects; a band point arrives as
// [epochMs, low, high] and a line point as [epochMs, value]. Band points with a missing bound are left out.
function toPoint(type, combo, point) {
    if (type === "rangeArea") {
        return point[1] === null || point[2] === null ? null : { x: point[0], y: [point[1], point[2]] };
    }

    return combo ? { x: point[0], y: point[1] } : point;
}

function toData(state, series, points) {
    return points.map(p => toPoint(series.type, state.combo, p)).filter(p => p !== null);
}

function toSeries(state) {
    return state.series.map(s => ({ name: s.name, type: s.type, data: s.data }));
}

// Metrics of different magnitudes (a temperature near 1,600 and a pressure near 47) would draw flat on one
// shared axis, so with `separateAxes` each line series gets its own scale; the first two show their labels.
function yAxes(state, decimals, separate) {
    if (!separate || state.series.length < 2) {
        return { decimalsInFloat: decimals };
    }

    return state.series.map((series, index) => {
        const axis = { seriesName: series.name, opposite: index % 2 === 1, show: index < 2, decimalsInFloat: decimals };
        if (index < 2) {
            axis.title = { text: series.name };
        }

        return axis;
    });
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
 * config: { series: [{ name, points: [[epochMs, value|null], ...] or, for a band, [[epochMs, low, high], ...],
 *                     type?: "line"|"rangeArea" }],
 *           maxPoints, minIntervalMs, height, yTitle?, decimals? }
 */
export function create(element, config) {
    const combo = config.series.some(s => s.type === "rangeArea");
    const state = {
        combo,
        series: config.series.map(s => ({ name: escapeHtml(s.name), type: s.type ?? "line", data: [] })),
        maxPoints: config.maxPoints,
        minIntervalMs: config.minIntervalMs ?? 250,
        separateAxes: config.separateAxes === true,
        decimals: config.decimals ?? 2,
        lastDraw: 0,
        timer: null,
        draws: 0,
        chart: null,
    };

    state.series.forEach((series, index) => {
        series.data = toData(state, series, config.series[index].points.slice(-config.maxPoints));
    });

    const decimals = config.decimals ?? 2;
    const options = {
        chart: {
            type: combo ? "rangeArea" : "line",
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
        yaxis: yAxes(state, decimals, config.separateAxes),
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

    if (config.strokeWidths) {
        options.stroke.width = config.strokeWidths;
    }

    if (config.dashArray) {
        options.stroke.dashArray = config.dashArray;
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

        for (const point of toData(state, series, points)) {
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

    state.series = series.map(s => ({ name: escapeHtml(s.name), type: s.type ?? "line", data: [] }));
    state.series.forEach((target, index) => {
        target.data = toData(state, target, series[index].points.slice(-state.maxPoints));
    });
    if (state.separateAxes) {
        state.chart.updateOptions({ yaxis: yAxes(state, state.decimals, true) }, false, false);
    }
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
