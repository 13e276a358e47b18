import { entry, items, str, type IamStatement, type Prop, type Value } from '@lambda-lint/core';

function stringProps(v: Value | undefined): Prop<string>[] {
  return items(v).map((node) => ({ value: str(node), loc: node.loc, node }));
}

/** Reads IAM policy statements (a `Statement` list or a single statement), in either key casing serverless allows. */
export function parseStatements(statements: Value | undefined): IamStatement[] {
  const out: IamStatement[] = [];
  for (const s of items(statements)) {
    if (s.kind !== 'map') continue;
    const field = (name: string) => entry(s, name) ?? entry(s, name.toLowerCase());
    const effect = field('Effect');
    out.push({
      effect: effect
        ? { value: str(effect.value), loc: effect.value.loc, node: effect.value }
        : { value: 'Allow', loc: s.loc, node: s },
      actions: stringProps(field('Action')?.value),
      notActions: stringProps(field('NotAction')?.value),
      resources: stringProps(field('Resource')?.value),
      notResources: stringProps(field('NotResource')?.value),
      loc: s.loc,
      node: s,
    });
  }
  return out;
}

/** Statements of a policy document (`{ Version, Statement: [...] }`). */
export function statementsOfDocument(doc: Value | undefined): IamStatement[] {
  return parseStatements(entry(doc, 'Statement')?.value);
}
