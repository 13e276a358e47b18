import { defineRule, get, intrinsic, isMap, items, referencedLogicalId, templateText, type AppModel, type LambdaFunction, type Value } from '@lambda-lint/core';
import { codeOf, descendantsOfKind, sdkFactsOf, type HandlerCode } from '@lambda-lint/handler';
import { Node, SyntaxKind, type SourceFile } from '@lambda-lint/handler/ts-morph';

/** Client packages of resources that live in a VPC (databases, caches, search clusters, brokers). */
const VPC_MODULES = new Set([
  'pg', 'pg-pool', 'pg-promise', 'postgres', 'mysql', 'mysql2', 'mysql2/promise', 'mariadb', 'redis', 'ioredis', '@redis/client',
  'mongodb', 'mongoose', '@opensearch-project/opensearch', '@elastic/elasticsearch', 'elasticsearch', 'memcached', 'memjs',
  'gremlin', 'neo4j-driver', 'knex', 'sequelize', 'typeorm', '@prisma/client', '@mikro-orm/core', 'drizzle-orm/node-postgres',
  'kafkajs', 'amqplib', 'mqtt', 'oracledb', 'mssql', 'tedious', 'cassandra-driver', 'nfs',
]);

/** Resource types whose endpoint is only reachable from inside the VPC. */
const VPC_RESOURCE = /^AWS::(RDS|ElastiCache|Neptune|DocDB|DocDBElastic|OpenSearchService|Elasticsearch|MemoryDB|Redshift|MSK|AmazonMQ|EFS|EC2::Instance|ElasticLoadBalancingV2::LoadBalancer|ServiceDiscovery)/;

/** A host or URL that is only reachable from a private network. */
const PRIVATE_HOST =
  /(^|[/@:\s])(10\.\d{1,3}\.\d{1,3}\.\d{1,3}|172\.(1[6-9]|2\d|3[01])\.\d{1,3}\.\d{1,3}|192\.168\.\d{1,3}\.\d{1,3})\b|[a-z0-9-]\.(internal|local|svc|intranet|corp)(\.cluster\.local)?(\b|$)|\.rds\.amazonaws\.com|\.cache\.amazonaws\.com|\.docdb\.amazonaws\.com|\.neptune\.amazonaws\.com|\.es\.amazonaws\.com|\.aoss\.amazonaws\.com|\.mq\.[a-z0-9-]+\.amazonaws\.com|\.kafka\.[a-z0-9-]+\.amazonaws\.com|\.redshift\.amazonaws\.com|\.memorydb\.[a-z0-9-]+\.amazonaws\.com|\.efs\.[a-z0-9-]+\.amazonaws\.com/i;

/** Environment variable names that name a host or connection when their value is not known offline. */
const HOST_NAME = /HOST|ENDPOINT|URL|URI|DSN|ADDRESS|ADDR|CONNECTION|DATABASE|CLUSTER|BROKER/i;

export function isPrivateHost(text: string): boolean {
  return PRIVATE_HOST.test(text);
}

/**
 * In a VPC for sure: a literal configuration with subnets. A configuration only known at deploy
 * time, or one with an empty `SubnetIds`, is not (the rule stays silent).
 */
function inVpc(fn: LambdaFunction): boolean {
  if (!fn.vpc || fn.vpc.value === undefined || intrinsic(fn.vpc.node) || !isMap(fn.vpc.node)) return false;
  const subnets = get(fn.vpc.node, 'SubnetIds') ?? get(fn.vpc.node, 'subnetIds');
  if (!subnets) return false;
  return !(subnets.kind === 'seq' && subnets.items.length === 0);
}

/** Why an environment value needs the VPC, `unknown` when it cannot be known offline, or undefined. */
function envNeed(model: AppModel, name: string, v: Value | undefined, depth = 0): string | 'unknown' | undefined {
  if (!v || depth > 6) return undefined;
  if (v.kind === 'unknown') return HOST_NAME.test(name) ? 'unknown' : undefined;
  if (v.kind === 'scalar') return typeof v.value === 'string' && isPrivateHost(v.value) ? `${name} = ${v.value}` : undefined;
  const id = referencedLogicalId(v);
  if (id) {
    const r = model.resources.find((x) => x.logicalId === id);
    if (r && VPC_RESOURCE.test(r.type)) return `${name} names ${id} (${r.type})`;
  }
  const t = templateText(v);
  if (t && isPrivateHost(t)) return `${name} = ${t}`;
  // `!Sub '${Db.Endpoint.Address}:5432'`: a resource named inside a substitution.
  for (const m of (t ?? '').matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) {
    const r = model.resources.find((x) => x.logicalId === m[1]);
    if (r && VPC_RESOURCE.test(r.type)) return `${name} names ${r.logicalId} (${r.type})`;
  }
  if (v.kind === 'seq') {
    for (const i of items(v)) {
      const n = envNeed(model, name, i, depth + 1);
      if (n) return n;
    }
  }
  if (v.kind === 'map') {
    for (const e of v.entries) {
      const n = envNeed(model, name, e.value, depth + 1);
      if (n) return n;
    }
  }
  return undefined;
}

/**
 * The files holding reachable code, plus the local modules they import values from (a client
 * constructed at the module scope of `./db.js` and used by the handler), transitively.
 */
function filesReached(code: HandlerCode): SourceFile[] | undefined {
  const out = new Set<SourceFile>(code.files);
  const work = [...out];
  while (work.length && out.size < 100) {
    const file = work.pop()!;
    for (const id of descendantsOfKind(file, SyntaxKind.Identifier)) {
      const p = id.getParent();
      if (!p || !(Node.isImportSpecifier(p) || Node.isImportClause(p) || Node.isNamespaceImport(p) || Node.isBindingElement(p) || Node.isVariableDeclaration(p) || Node.isPropertyAccessExpression(p))) continue;
      const b = code.resolveReference(id);
      // A local module the analysis cannot follow (`const { x } = require('./m')`): its content is not known.
      if (b?.importFrom && /^\.\.?\//.test(b.importFrom.specifier) && b.declaration.getSourceFile() === file) return undefined;
      const f = b?.declaration.getSourceFile();
      if (f && !out.has(f)) {
        out.add(f);
        work.push(f);
      }
    }
  }
  return [...out];
}

/** Why the handler's code needs the VPC, or undefined. */
function codeNeed(code: HandlerCode): string | undefined {
  const files = filesReached(code);
  if (!files) return 'unknown local module';
  const db = sdkFactsOf(code).clients.find((c) => c.category === 'database' && c.scope !== 'other');
  if (db) return `a ${db.service} client`;
  for (const file of files) {
    for (const node of descendantsOfKind(file, SyntaxKind.StringLiteral)) {
      const parent = node.getParent();
      const text = node.getLiteralValue();
      const isImport = parent && (Node.isImportDeclaration(parent) || Node.isExportDeclaration(parent) || (Node.isCallExpression(parent) && ['require', 'import'].includes(parent.getExpression().getText())));
      if (isImport) {
        const spec = text.replace(/^node:/, '');
        if (VPC_MODULES.has(spec) || VPC_MODULES.has(spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/'))) return `the ${spec} package`;
        continue;
      }
      if (isPrivateHost(text)) return `the private host "${text}"`;
    }
    for (const node of descendantsOfKind(file, SyntaxKind.NoSubstitutionTemplateLiteral)) {
      if (isPrivateHost(node.getLiteralText())) return `the private host "${node.getLiteralText()}"`;
    }
    for (const node of descendantsOfKind(file, SyntaxKind.TemplateExpression)) {
      if (isPrivateHost(node.getText())) return `the private host in ${node.getText()}`;
    }
  }
  return undefined;
}

/** Functions with a file system (EFS) need the VPC. */
function mountsFileSystem(fn: LambdaFunction): boolean {
  const props = fn.resource?.properties ?? (isMap(fn.node) ? get(fn.node, 'Properties') : undefined);
  return !!(get(props, 'FileSystemConfigs') ?? get(fn.node, 'FileSystemConfigs') ?? get(fn.node, 'fileSystemConfig'));
}

export default defineRule({
  id: 'vpc-without-need',
  category: 'security',
  severity: 'warning',
  scope: 'cross',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A function with a VPC configuration whose handler uses no VPC-only resource (no database, cache, search or broker client, no private host in its code or environment), only public AWS APIs.',
  messages: {
    vpcWithoutNeed:
      '{{function}} is attached to a VPC but its handler ({{file}}) reaches no VPC-only resource: no database, cache, OpenSearch or broker client, no private host in its code or environment, only public AWS APIs. A VPC brings elastic network interfaces into deployments and scaling (historically into every cold start), makes every AWS API call go through a NAT gateway (billed per GB, and a single point of failure) or VPC endpoints, and needs ec2 network-interface permissions on the role. Remove the VPC configuration; if a policy requires it, add VPC endpoints (gateway endpoints for S3 and DynamoDB, interface endpoints for the others) and suppress with the reason.',
  },
  defaultOptions: {},
  check(ctx) {
    for (const binding of ctx.handlers) {
      const fn = binding.fn;
      if (!fn.vpc || !inVpc(fn) || mountsFileSystem(fn)) continue;
      if (fn.environment.some((e) => envNeed(ctx.model, e.name, e.value) || (e.alternatives ?? []).some((a) => envNeed(ctx.model, e.name, a)))) continue;
      const code = codeOf(binding);
      if (code.handlerFunctionNodes.length === 0) continue;
      if (codeNeed(code)) continue;
      const file = code.file.startsWith(ctx.model.root) ? code.file.slice(ctx.model.root.length + 1) : code.file;
      ctx.report({
        messageId: 'vpcWithoutNeed',
        data: { function: fn.name, file },
        loc: fn.vpc.loc,
        fn,
        related: fn.handler ? [{ loc: fn.handler.loc, message: 'handler' }] : [],
      });
    }
  },
});

