import { entry, items, str, type IamStatement, type Prop, type Value } from '@lambda-lint/core';
import { asString, propFrom, type ValueContext } from './values.js';

function stringProps(v: Value | undefined, ctx: ValueContext | undefined): Prop<string>[] {
  return items(v).map((node) => (ctx ? propFrom(node, ctx, asString) : { value: str(node), loc: node.loc, node }));
}

/**
 * Reads IAM policy statements (a `Statement` list or a single statement), in either key casing serverless allows.
 * With a template context, values are resolved (parameter defaults, `Fn::Sub`...; see `resolveAll`).
 */
export function parseStatements(statements: Value | undefined, ctx?: ValueContext): IamStatement[] {
  const out: IamStatement[] = [];
  for (const s of items(statements)) {
    if (s.kind !== 'map') continue;
    const field = (name: string) => entry(s, name) ?? entry(s, name.toLowerCase());
    const effect = field('Effect');
    out.push({
      effect: effect
        ? ctx
          ? propFrom(effect.value, ctx, asString)
          : { value: str(effect.value), loc: effect.value.loc, node: effect.value }
        : { value: 'Allow', loc: s.loc, node: s },
      actions: stringProps(field('Action')?.value, ctx),
      notActions: stringProps(field('NotAction')?.value, ctx),
      resources: stringProps(field('Resource')?.value, ctx),
      notResources: stringProps(field('NotResource')?.value, ctx),
      loc: s.loc,
      node: s,
    });
  }
  return out;
}

/** Statements of a policy document (`{ Version, Statement: [...] }`). */
export function statementsOfDocument(doc: Value | undefined, ctx?: ValueContext): IamStatement[] {
  return parseStatements(entry(doc, 'Statement')?.value, ctx);
}
