import type { Category, Finding, Severity } from '@lambda-lint/core';
import { relativePath, type FormatInput, type FunctionInfo } from './types.js';

/** The production-readiness checklist areas, in the order the scorecard shows them. */
const AREAS: readonly { category: Category; title: string }[] = [
  { category: 'architecture', title: 'Architecture' },
  { category: 'stateless', title: 'Stateless' },
  { category: 'cost', title: 'Cost' },
  { category: 'reliability', title: 'Reliability' },
  { category: 'security', title: 'Security' },
  { category: 'iam', title: 'IAM' },
  { category: 'observability', title: 'Observability' },
  { category: 'deployment', title: 'Deployment' },
  { category: 'files', title: 'Files' },
  { category: 'adjacent', title: 'Adjacent services' },
  { category: 'input', title: 'Input' },
  { category: 'suppressions', title: 'Suppressions' },
];
/** Areas about the linted files rather than the application: a column only when they have findings. */
const ON_DEMAND: ReadonlySet<string> = new Set(['input', 'suppressions']);
const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
const MARK: Record<Severity, string> = { error: '✖', warning: '⚠', info: 'ℹ' };
const APPLICATION_ROW = '(application)';

interface Row {
  label: string;
  cells: Map<string, { count: number; worst: Severity }>;
}

/**
 * `--format summary`: the production-readiness scorecard as a Markdown table (readable in a terminal,
 * rendered in a GitHub job summary). One row per function, one column per checklist area; a cell
 * holds the number of findings and the worst severity, `✔` when there are none.
 */
export function formatSummary(input: FormatInput): string {
  const categoryOf = new Map((input.rules ?? []).map((r) => [r.id, r.category as string]));
  const areaOf = (f: Finding) => categoryOf.get(f.ruleId) ?? 'other';
  const present = new Set(input.findings.map(areaOf));
  const inCatalog = new Set((input.rules ?? []).filter((r) => !r.experimental).map((r) => r.category as string));
  const columns = AREAS.filter((a) => (ON_DEMAND.has(a.category) ? present.has(a.category) : inCatalog.has(a.category) || present.has(a.category))).map(
    (a) => ({ key: a.category as string, title: a.title }),
  );
  if (present.has('other')) columns.push({ key: 'other', title: 'Other' });

  const rows = rowsFor(input);
  for (const f of input.findings) {
    const row = rows.find(f);
    const key = areaOf(f);
    const cell = row.cells.get(key) ?? { count: 0, worst: f.severity };
    cell.count++;
    if (RANK[f.severity] > RANK[cell.worst]) cell.worst = f.severity;
    row.cells.set(key, cell);
  }

  const header = ['Function', ...columns.map((c) => c.title)];
  const body = rows.all().map((r) => [escapeMarkdown(r.label), ...columns.map((c) => cellText(r.cells.get(c.key)))]);
  const s = input.summary;
  const lines = [
    '## lambda-lint production-readiness scorecard',
    '',
    table([header, ...body]),
    '',
    `${s.functions} function${s.functions === 1 ? '' : 's'} in ${s.files} file${s.files === 1 ? '' : 's'}: ` +
      `${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}, ${s.infos} info${s.infos === 1 ? '' : 's'}. ` +
      'Each cell: number of findings and the worst severity (✖ error, ⚠ warning, ℹ info); ✔ none.',
  ];
  return lines.join('\n') + '\n';
}

function cellText(cell: { count: number; worst: Severity } | undefined): string {
  return cell ? `${MARK[cell.worst]} ${cell.count} ${cell.worst}` : '✔';
}

/** Rows for every known function (in the order given), then for functions only findings name, then the application row. */
function rowsFor(input: FormatInput): { find(f: Finding): Row; all(): Row[] } {
  const functions: FunctionInfo[] = [...(input.functions ?? [])];
  const key = (name: string, resource: string | undefined) => `${name}\u0000${resource ?? ''}`;
  for (const f of input.findings) {
    if (f.function === undefined) continue;
    if (!functions.some((fn) => fn.name === f.function && (f.resource === undefined || fn.resource === undefined || fn.resource === f.resource))) {
      functions.push({ name: f.function, ...(f.resource !== undefined ? { resource: f.resource } : {}), file: f.loc.file });
    }
  }
  const nameCount = new Map<string, number>();
  for (const fn of functions) nameCount.set(fn.name, (nameCount.get(fn.name) ?? 0) + 1);
  const byKey = new Map<string, Row>();
  const ordered: Row[] = [];
  for (const fn of functions) {
    const label = nameCount.get(fn.name)! > 1 ? `${fn.name} (${relativePath(input.cwd, fn.file)})` : fn.name;
    const row: Row = { label, cells: new Map() };
    if (!byKey.has(key(fn.name, fn.resource))) byKey.set(key(fn.name, fn.resource), row);
    ordered.push(row);
  }
  const application: Row = { label: APPLICATION_ROW, cells: new Map() };
  return {
    find(f) {
      if (f.function === undefined) return application;
      const exact = byKey.get(key(f.function, f.resource));
      if (exact) return exact;
      const i = functions.findIndex((fn) => fn.name === f.function);
      return i >= 0 ? ordered[i]! : application;
    },
    all: () => (application.cells.size > 0 ? [...ordered, application] : ordered),
  };
}

/** A Markdown table with padded columns, so the plain text lines up in a terminal too. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(3, ...rows.map((r) => [...r[i]!].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join(' | ')} |`;
  return [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}

/** Function names are user text: characters that Markdown or a table would interpret are escaped. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}
