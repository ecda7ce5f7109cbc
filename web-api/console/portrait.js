// The group portrait of a segment as charts: how the segment differs from the whole
// population in tags, attributes and metric distributions (POST /v1/segments:portrait).
import { el } from './dom.js';
import { table } from './ui.js';
import { barChart, SEGMENT_COLOR, POPULATION_COLOR } from './charts.js';
import * as format from './format.js';

export function portraitSection(portrait) {
  const section = el('section', { id: 'portrait', class: 'panel portrait' },
    el('h2', { text: 'Group portrait' }),
    el('p', { class: 'muted' },
      `${format.number(portrait.size)} of ${format.number(portrait.population)} users (${format.share(portrait.population ? portrait.size / portrait.population : null)}), `,
      `computed in ${format.duration(portrait.took_ms)}. Bars compare the segment with the whole population.`));

  const booleans = portrait.boolean_tags ?? [];
  if (booleans.length) {
    section.append(barChart({
      title: 'Boolean tags: share of users with the tag',
      labels: booleans.map((t) => t.tag),
      series: compare(booleans.map((t) => t.segment_share), booleans.map((t) => t.population_share)),
      percent: true, horizontal: booleans.length > 6,
    }));
  }
  const grid = el('div', { class: 'grid charts' });
  for (const tag of portrait.enumerated_tags ?? []) {
    const values = tag.values ?? [];
    grid.append(barChart({
      title: `tag.${tag.tag}`, labels: values.map((v) => String(v.value)),
      series: compare(values.map((v) => v.segment_share), values.map((v) => v.population_share)), percent: true,
    }));
  }
  const attributes = portrait.attributes ?? {};
  for (const item of attributes.items ?? []) {
    const values = item.values ?? [];
    grid.append(barChart({
      title: `attr.${item.attribute} (samples: ${format.number(attributes.segment_sample_size)} / ${format.number(attributes.population_sample_size)})`,
      labels: values.map((v) => format.value(v.value)),
      series: compare(values.map((v) => ratio(v.segment_count, attributes.segment_sample_size)),
        values.map((v) => ratio(v.population_count, attributes.population_sample_size))),
      percent: true, horizontal: values.length > 8,
    }));
  }
  for (const metric of portrait.metrics ?? []) {
    const bins = metric.bins ?? [];
    grid.append(barChart({
      title: `metric.${metric.metric}: mean ${mean(metric.segment_mean)} vs ${mean(metric.population_mean)}`,
      labels: bins.map(binLabel),
      series: compare(bins.map((b) => ratio(b.segment_count, metric.segment_sample_size)),
        bins.map((b) => ratio(b.population_count, metric.population_sample_size))),
      percent: true,
    }));
  }
  if (grid.childElementCount) section.append(grid);
  if (!booleans.length && !grid.childElementCount) section.append(el('p', { class: 'muted', text: 'The portrait has no tags, attributes or metrics to show.' }));
  return section;
}

function mean(value) {
  return format.isEpochMs(value) ? format.time(Math.round(value)) : format.number(value);
}

/** `0–10`; bins of times (last_order and the like) by their start only, or the labels get long. */
function binLabel(bin) {
  return format.isEpochMs(bin.lower) ? `from ${format.time(Math.round(bin.lower)).slice(5)}` : `${format.number(bin.lower)}–${format.number(bin.upper)}`;
}

function compare(segment, population) {
  return [
    { label: 'segment', data: segment, color: SEGMENT_COLOR },
    { label: 'population', data: population, color: POPULATION_COLOR },
  ];
}

function ratio(count, total) {
  return typeof count === 'number' && total ? count / total : null;
}

/** Saved segments: name, version, expression, latest size. */
export function savedSegmentsTable(segments, selected, onUse) {
  const rows = segments.map((segment) => [
    el('a', { href: `#view=segment&saved=${encodeURIComponent(segment.name)}&expr=${encodeURIComponent(segment.expression ?? '')}`,
      text: segment.name, class: segment.name === selected ? 'selected' : '' }),
    segment.version ?? '—',
    segment.status ?? '—',
    el('code', { class: 'clip', text: segment.expression ?? '' }),
    el('td', { class: 'num', text: format.number(segment.latest_size?.size) }),
    format.time(segment.latest_size?.measured_at),
    el('button', { type: 'button', class: 'small secondary', text: 'use', onclick: () => onUse(segment) }),
  ]);
  return table(['name', 'version', 'status', 'expression', 'size', 'measured', ''], rows, { empty: 'no saved segments yet' });
}

