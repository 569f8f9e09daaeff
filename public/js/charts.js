// charts.js — line and bar charts drawn as SVG, with no library.
//
// Each chart is a <figure>: a title, the SVG (axes, gridlines, labels), a read-out that
// names the point under the pointer or keyboard focus, a sentence that says what the
// chart shows, and a "Show as table" <details> with every figure, for screen readers and
// for anyone who wants the numbers. Colours come from CSS classes (the page's theme
// variables), never from style attributes: the Content-Security-Policy forbids inline
// styles, and SVG presentation attributes like x, y and width are not styles.
//
// The SVG is drawn for the width its box has (a ResizeObserver redraws it), so text stays
// readable on a phone instead of shrinking with a viewBox.

import { h, replace } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const HEIGHT = 220;
const PAD = { top: 12, right: 12, bottom: 34, left: 44 };

/** An SVG element with attributes (never `style`). */
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  }
  for (const c of children) if (c) el.append(c);
  return el;
}

/** A "nice" step for about `count` ticks up to `max`: 1, 2 or 5 times a power of ten. */
export function niceStep(max, count = 4) {
  if (max <= 0) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((m) => m >= raw);
  return Math.max(1, step);
}

function ticks(max) {
  const step = niceStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const out = [];
  for (let v = 0; v <= top; v += step) out.push(v);
  return { top, values: out };
}

/** Every nth label, so labels along the x axis do not overlap at this width. */
function labelEvery(count, width) {
  const room = Math.max(1, Math.floor(width / 64));
  return Math.max(1, Math.ceil(count / room));
}

/**
 * The parts every chart shares. `series`: [{name, cls, values: [number]}]; `labels`:
 * one per x position; `format(v)` turns a value into words for the read-out and table.
 */
function frame({ title, summary, labels, series, format = String, id }) {
  const titleId = `${id}-title`;
  const summaryId = `${id}-summary`;
  const readout = h('p', { class: 'chart-readout', 'aria-live': 'polite' });
  const box = h('div', { class: 'chart-box' });
  const legend =
    series.length > 1
      ? h('ul', { class: 'chart-legend' }, series.map((se) => h('li', {}, h('span', { class: `swatch ${se.cls}`, 'aria-hidden': 'true' }), se.name)))
      : null;
  const table = h(
    'table',
    { class: 'chart-table' },
    h('caption', { class: 'visually-hidden', text: title }),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: series.xName || '' }), series.map((se) => h('th', { scope: 'col', text: se.name })))),
    h(
      'tbody',
      {},
      labels.map((label, i) => h('tr', {}, h('th', { scope: 'row', text: label }), series.map((se) => h('td', { text: format(se.values[i]) })))),
    ),
  );
  const figure = h(
    'figure',
    { class: 'chart card', id, 'aria-labelledby': titleId },
    h('figcaption', { class: 'chart-title', id: titleId, text: title }),
    legend,
    box,
    readout,
    h('p', { class: 'chart-summary muted small', id: summaryId, text: summary }),
    h('details', { class: 'chart-details' }, h('summary', { text: 'Show as table' }), h('div', { class: 'table-wrap' }, table)),
  );
  const say = (i) => {
    if (i === null) {
      readout.textContent = '';
      return;
    }
    readout.textContent = `${labels[i]}: ${series.map((se) => `${series.length > 1 ? `${se.name} ` : ''}${format(se.values[i])}`).join(', ')}`;
  };
  return { figure, box, say, titleId, summaryId };
}

/** Redraws `draw(width)` into `box` whenever its width changes. */
function responsive(box, draw) {
  let last = 0;
  const render = () => {
    const width = Math.floor(box.clientWidth);
    if (width === last || width < 10) return;
    last = width;
    replace(box, draw(width));
  };
  if (typeof ResizeObserver === 'function') new ResizeObserver(render).observe(box);
  requestAnimationFrame(render);
}

/** Focus and pointer both move the read-out; Escape or leaving clears it. */
function interactive(svg, hits, say, mark) {
  const pick = (i) => {
    say(i);
    mark(i);
  };
  hits.forEach((el, i) => {
    el.addEventListener('focus', () => pick(i));
    el.addEventListener('pointerenter', () => pick(i));
    el.addEventListener('blur', () => pick(null));
  });
  svg.addEventListener('pointerleave', () => pick(null));
  svg.addEventListener('keydown', (e) => {
    const at = hits.indexOf(document.activeElement);
    if (at < 0) return;
    const next = e.key === 'ArrowRight' ? at + 1 : e.key === 'ArrowLeft' ? at - 1 : null;
    if (e.key === 'Escape') hits[at].blur();
    if (next !== null && hits[next]) {
      e.preventDefault();
      hits[next].focus();
    }
  });
}

function axes(g, width, top, values, x0, plotW, plotH, fmtTick) {
  for (const v of values) {
    const y = PAD.top + plotH - (v / top) * plotH;
    g.append(s('line', { class: 'chart-grid', x1: x0, x2: x0 + plotW, y1: y, y2: y }));
    g.append(s('text', { class: 'chart-tick', x: x0 - 6, y: y + 4, 'text-anchor': 'end' }, document.createTextNode(fmtTick(v))));
  }
  g.append(s('line', { class: 'chart-axis', x1: x0, x2: x0 + plotW, y1: PAD.top + plotH, y2: PAD.top + plotH }));
  g.append(s('line', { class: 'chart-axis', x1: x0, x2: x0, y1: PAD.top, y2: PAD.top + plotH }));
}

/**
 * A line chart over days (or any ordered labels).
 * lineChart({id, title, summary, labels, series: [{name, cls, values}], format, tick})
 */
export function lineChart(opts) {
  const { labels, series, format = String, tick = format } = opts;
  const parts = frame(opts);
  const max = Math.max(0, ...series.flatMap((se) => se.values));
  responsive(parts.box, (width) => {
    const plotW = width - PAD.left - PAD.right;
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    const { top, values } = ticks(max);
    const n = labels.length;
    const x = (i) => PAD.left + (n <= 1 ? plotW / 2 : (i / (n - 1)) * plotW);
    const y = (v) => PAD.top + plotH - (v / top) * plotH;
    const svg = s('svg', { class: 'chart-svg', width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', 'aria-labelledby': parts.titleId, 'aria-describedby': parts.summaryId });
    const g = s('g');
    axes(g, width, top, values, PAD.left, plotW, plotH, tick);
    const every = labelEvery(n, plotW);
    labels.forEach((label, i) => {
      if (i % every) return;
      g.append(s('text', { class: 'chart-tick', x: x(i), y: HEIGHT - PAD.bottom + 16, 'text-anchor': 'middle' }, document.createTextNode(shortLabel(label))));
    });
    for (const se of series) {
      const d = se.values.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      g.append(s('path', { class: `chart-line ${se.cls}`, d }));
    }
    const cursor = s('line', { class: 'chart-cursor', y1: PAD.top, y2: PAD.top + plotH, x1: 0, x2: 0, visibility: 'hidden' });
    g.append(cursor);
    const dots = series.map((se) => {
      const dot = s('circle', { class: `chart-dot ${se.cls}`, r: 4, cx: 0, cy: 0, visibility: 'hidden' });
      g.append(dot);
      return dot;
    });
    // One invisible, focusable column per label: the pointer and Tab land on days.
    const hits = labels.map((label, i) => {
      const left = n <= 1 ? PAD.left : x(i) - plotW / (n - 1) / 2;
      const w = n <= 1 ? plotW : plotW / (n - 1);
      const r = s('rect', { class: 'chart-hit', x: Math.max(PAD.left, left), y: PAD.top, width: Math.max(1, w), height: plotH, tabindex: i === 0 ? 0 : -1, focusable: 'true', 'aria-label': `${label}: ${series.map((se) => `${se.name} ${format(se.values[i])}`).join(', ')}` });
      g.append(r);
      return r;
    });
    svg.append(g);
    interactive(svg, hits, parts.say, (i) => {
      // A presentation attribute, not a style: allowed under the CSP.
      const shown = i === null ? 'hidden' : 'visible';
      cursor.setAttribute('visibility', shown);
      dots.forEach((dot) => dot.setAttribute('visibility', shown));
      if (i === null) return;
      cursor.setAttribute('x1', x(i));
      cursor.setAttribute('x2', x(i));
      dots.forEach((dot, k) => {
        dot.setAttribute('cx', x(i));
        dot.setAttribute('cy', y(series[k].values[i]));
      });
    });
    return svg;
  });
  return parts.figure;
}

/**
 * A bar chart of named values (categories, priorities, agents).
 * barChart({id, title, summary, labels, series: [{name, cls, values}], format})
 */
export function barChart(opts) {
  const { labels, series, format = String, tick = format } = opts;
  const parts = frame(opts);
  const values = series[0].values;
  const max = Math.max(0, ...values);
  responsive(parts.box, (width) => {
    const plotW = width - PAD.left - PAD.right;
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    const { top, values: tickValues } = ticks(max);
    const n = Math.max(1, labels.length);
    const slot = plotW / n;
    const barW = Math.max(4, Math.min(48, slot * 0.7));
    const svg = s('svg', { class: 'chart-svg', width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', 'aria-labelledby': parts.titleId, 'aria-describedby': parts.summaryId });
    const g = s('g');
    axes(g, width, top, tickValues, PAD.left, plotW, plotH, tick);
    const every = labelEvery(n, plotW);
    const bars = labels.map((label, i) => {
      const v = values[i];
      const bh = (v / top) * plotH;
      const cx = PAD.left + slot * i + slot / 2;
      const bar = s('rect', { class: `chart-bar ${series[0].cls}`, x: cx - barW / 2, y: PAD.top + plotH - bh, width: barW, height: Math.max(0, bh), tabindex: i === 0 ? 0 : -1, focusable: 'true', 'aria-label': `${label}: ${format(v)}` });
      g.append(bar);
      if (i % every === 0) {
        g.append(s('text', { class: 'chart-tick', x: cx, y: HEIGHT - PAD.bottom + 16, 'text-anchor': 'middle' }, document.createTextNode(shortLabel(label, Math.max(4, Math.floor((slot * every) / 7))))));
      }
      return bar;
    });
    svg.append(g);
    interactive(svg, bars, parts.say, (i) => {
      bars.forEach((b, k) => b.classList.toggle('active', k === i));
    });
    return svg;
  });
  return parts.figure;
}

/** Dates as "03-02" under the axis (the table and read-out keep the full text). */
function shortLabel(label, room = 12) {
  const text = String(label);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text.slice(5);
  return text.length > room ? `${text.slice(0, Math.max(1, room - 1))}…` : text;
}
