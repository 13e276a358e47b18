import type * as Sarif from 'sarif';
import { docsUrl, fingerprint, lineOf, type AnyRule, type Finding, type Loc, type Severity } from '@lambda-lint/core';
import { relativePath, type FormatInput } from './types.js';

const INFORMATION_URI = 'https://github.com/lambda-lint/lambda-lint';
/** The key GitHub code scanning reads; versioned so that a new recipe does not silently re-key alerts. */
export const FINGERPRINT_KEY = 'lambdaLint/v1';

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers. Every rule of the
 * catalog is a descriptor (so alerts link to their docs even for rules without findings); file
 * URIs are relative to `%SRCROOT%`: the checkout in CI (`sourceRoot`), else the directory lambda-lint ran in.
 */
export function formatSarif(input: FormatInput): string {
  const rules = catalogFor(input);
  const root = input.sourceRoot ?? input.cwd;
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const text = memoize(input.sourceText);
  const log: Sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'lambda-lint',
            ...(input.toolVersion ? { version: input.toolVersion, semanticVersion: input.toolVersion } : {}),
            informationUri: INFORMATION_URI,
            rules: rules.map(descriptor),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: fileUri(root) } },
        columnKind: 'utf16CodeUnits',
        results: input.findings.map((f) => result(f, index.get(f.ruleId), root, text)),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/** The catalog given by the caller, plus a bare descriptor for any rule id only the findings know. */
function catalogFor(input: FormatInput): DescriptorSource[] {
  const list: DescriptorSource[] = [...(input.rules ?? [])];
  const known = new Set(list.map((r) => r.id));
  for (const f of input.findings) {
    if (known.has(f.ruleId)) continue;
    known.add(f.ruleId);
    list.push({ id: f.ruleId });
  }
  return list;
}

type DescriptorSource = Pick<AnyRule, 'id'> & Partial<Pick<AnyRule, 'category' | 'severity' | 'scope' | 'platforms' | 'description' | 'experimental'>>;

function descriptor(rule: DescriptorSource): Sarif.ReportingDescriptor {
  const description = rule.description ?? rule.id;
  const helpUri = rule.category ? docsUrl({ id: rule.id, category: rule.category }) : undefined;
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: firstSentence(description) },
    fullDescription: { text: description },
    ...(helpUri
      ? {
          helpUri,
          help: {
            text: `${description}\nWhy it matters in production and how to fix it, in every configuration format: ${helpUri}`,
            markdown: `${description}\n\n[What it finds, why it matters in production and how to fix it](${helpUri})`,
          },
        }
      : {}),
    defaultConfiguration: { level: LEVEL[rule.severity ?? 'warning'], enabled: !rule.experimental },
    properties: {
      // Unique, as the schema requires (`input` is both a category and a scope).
      tags: [...new Set(([rule.category, rule.scope, ...(rule.platforms ?? [])] as (string | undefined)[]).filter((t): t is string => Boolean(t)))],
      ...(rule.category ? { category: rule.category } : {}),
    },
  };
}

function result(f: Finding, ruleIndex: number | undefined, cwd: string, text: (file: string) => string | undefined): Sarif.Result {
  const uri = relativePath(cwd, f.loc.file);
  const source = text(f.loc.file);
  const out: Sarif.Result = {
    ruleId: f.ruleId,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: physical(f.loc, cwd),
        ...(f.function !== undefined || f.resource !== undefined
          ? { logicalLocations: [{ name: f.function ?? f.resource!, ...(f.resource ? { fullyQualifiedName: f.resource } : {}), kind: f.function !== undefined ? 'function' : 'resource' }] }
          : {}),
      },
    ],
    partialFingerprints: {
      [FINGERPRINT_KEY]: fingerprint({
        ruleId: f.ruleId,
        file: uri,
        message: f.message,
        ...(f.function !== undefined ? { function: f.function } : {}),
        ...(f.resource !== undefined ? { resource: f.resource } : {}),
        ...(source !== undefined ? { lineText: lineOf(source, f.loc.line) } : {}),
      }),
    },
  };
  if (f.related?.length) {
    out.relatedLocations = f.related.map((r, i) => ({ id: i + 1, physicalLocation: physical(r.loc, cwd), message: { text: r.message } }));
  }
  return out;
}

function physical(loc: Loc, cwd: string): Sarif.PhysicalLocation {
  return {
    artifactLocation: { uri: uriPath(relativePath(cwd, loc.file)), uriBaseId: '%SRCROOT%' },
    // lambda-lint's ends are exclusive, as SARIF's endColumn is; a range never ends before it starts.
    region: {
      startLine: loc.line,
      startColumn: loc.column,
      endLine: Math.max(loc.line, loc.endLine),
      endColumn: loc.endLine > loc.line ? loc.endColumn : Math.max(loc.column, loc.endColumn),
    },
  };
}

function fileUri(dir: string): string {
  const withSlash = dir.endsWith('/') ? dir : dir + '/';
  return 'file://' + uriPath(withSlash.startsWith('/') ? withSlash : '/' + withSlash);
}

/** A path as a URI reference: each segment percent-encoded (spaces, `#`, `?`), the `/` kept. */
function uriPath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function pascalCase(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
}

function firstSentence(text: string): string {
  // A sentence ends before a capital letter, not at "e.g." or "vs.".
  const m = /^(.+?[.!?])(?=\s+[A-Z]|$)/.exec(text);
  return m ? m[1]! : text;
}

function memoize(read: (file: string) => string | undefined): (file: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (file) => {
    if (!cache.has(file)) cache.set(file, read(file));
    return cache.get(file);
  };
}
