// A small evaluator for the policy documents of a synthesized template: enough of IAM's logic to say whether
// a call is allowed (explicit Deny wins, then any Allow), for the actions, resources, principals and
// condition operators this stack uses. Anything it does not understand fails loudly rather than allowing.

/** A CloudFormation template as JSON. */
export interface TemplateJson {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

export interface Environment {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/** Turns intrinsic functions into concrete strings: each resource gets an ARN and a name from its logical id. */
export class TemplateResolver {
  constructor(
    readonly template: TemplateJson,
    readonly env: Environment,
  ) {}

  resource(id: string) {
    const resource = this.template.Resources[id];
    if (!resource) throw new Error(`no resource ${id} in the template`);
    return resource;
  }

  resolve(value: unknown): unknown {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value && typeof value === 'object') {
      const node = value as Record<string, unknown>;
      const [key] = Object.keys(node);
      if (key === 'Ref') return this.ref(String(node.Ref));
      if (key === 'Fn::GetAtt') {
        const [id, attribute] = node['Fn::GetAtt'] as [string, string];
        return this.getAtt(id, attribute);
      }
      if (key === 'Fn::Join') {
        const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
        return parts.map((p) => String(this.resolve(p))).join(separator);
      }
      if (key === 'Fn::Split') {
        const [separator, text] = node['Fn::Split'] as [string, unknown];
        return String(this.resolve(text)).split(separator);
      }
      if (key === 'Fn::Select') {
        const [index, list] = node['Fn::Select'] as [number, unknown];
        return (this.resolve(list) as unknown[])[Number(index)];
      }
      if (key?.startsWith('Fn::')) throw new Error(`cannot resolve ${key}`);
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, this.resolve(v)]));
    }
    return value;
  }

  str(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string') throw new Error(`expected a string, got ${JSON.stringify(value)}`);
    return resolved;
  }

  private arn(service: string, resource: string, region = this.env.region, account = this.env.account) {
    return `arn:${this.env.partition}:${service}:${region}:${account}:${resource}`;
  }

  ref(id: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Partition': this.env.partition,
      'AWS::Region': this.env.region,
      'AWS::AccountId': this.env.account,
      'AWS::URLSuffix': 'amazonaws.com',
    };
    if (pseudo[id] !== undefined) return pseudo[id];
    const resource = this.resource(id);
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::SNS::Topic':
        return this.arn('sns', id);
      case 'AWS::StepFunctions::StateMachine':
        return this.arn('states', `stateMachine:${id}`);
      case 'AWS::Lambda::Function':
      case 'AWS::DynamoDB::Table':
      case 'AWS::Logs::LogGroup':
      case 'AWS::IAM::Role':
      case 'AWS::KMS::Key':
        return id;
      case 'AWS::Lambda::Version':
        return `${this.arn('lambda', `function:${this.str(props.FunctionName)}`)}:1`;
      case 'AWS::SSM::Parameter':
        return this.str(props.Name);
      case 'AWS::SQS::Queue':
        return `https://sqs.${this.env.region}.amazonaws.com/${this.env.account}/${id}`;
      default:
        throw new Error(`no Ref for ${resource.Type}`);
    }
  }

  getAtt(id: string, attribute: string): string {
    const resource = this.resource(id);
    if (attribute !== 'Arn') throw new Error(`no ${attribute} for ${resource.Type}`);
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::CloudWatch::Alarm':
        return this.arn('cloudwatch', `alarm:${this.str(props.AlarmName)}`);
      case 'AWS::Lambda::Function':
        return this.arn('lambda', `function:${id}`);
      case 'AWS::DynamoDB::Table':
        return this.arn('dynamodb', `table/${id}`);
      case 'AWS::SQS::Queue':
        return this.arn('sqs', id);
      case 'AWS::KMS::Key':
        return this.arn('kms', `key/${id}`);
      case 'AWS::IAM::Role':
        return `arn:${this.env.partition}:iam::${this.env.account}:role/${id}`;
      case 'AWS::Logs::LogGroup':
        return this.arn('logs', `log-group:${id}:*`);
      case 'AWS::StepFunctions::StateMachine':
        return this.arn('states', `stateMachine:${id}`);
      case 'AWS::Events::Rule':
        return this.arn('events', `rule/${id}`);
      default:
        throw new Error(`no Arn for ${resource.Type}`);
    }
  }
}

export interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly Principal?: '*' | { Service?: string | string[]; AWS?: string | string[] };
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface Request {
  readonly action: string;
  readonly resource: string;
  /** Who calls, for resource policies: a service principal or an account's root ARN. */
  readonly principal?: { service: string } | { account: string };
  /** Condition keys the call carries (aws:SourceArn, kms:ViaService, ...). */
  readonly context?: Record<string, string | string[]>;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM wildcards: `*` any run of characters, `?` one character. */
export function wildcard(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(value);
}

function principalMatches(principal: Statement['Principal'], request: Request): boolean {
  if (principal === undefined) return true; // identity policy: the principal is the role itself
  // {"AWS": "*"} is everyone, as "*" is (CDK writes a TLS-only Deny that way).
  if (principal === '*' || list(principal.AWS).includes('*')) return true;
  const who = request.principal;
  if (!who) return false;
  if ('service' in who) return list(principal.Service).includes(who.service);
  return list(principal.AWS).some((p) => p === who.account || p.endsWith(`:${who.account}:root`));
}

const OPERATORS: Record<string, (pattern: string, value: string) => boolean> = {
  StringEquals: (p, v) => p === v,
  StringLike: (p, v) => wildcard(p, v),
  ArnLike: (p, v) => wildcard(p, v),
  ArnEquals: (p, v) => p === v,
  Bool: (p, v) => p === v,
};

function conditionsHold(conditions: Statement['Condition'], context: Record<string, string | string[]>) {
  for (const [operator, entries] of Object.entries(conditions ?? {})) {
    const anyValue = operator.startsWith('ForAnyValue:');
    const test = OPERATORS[anyValue ? operator.slice('ForAnyValue:'.length) : operator];
    if (!test) throw new Error(`the evaluator does not know the condition operator ${operator}`);
    for (const [key, expected] of Object.entries(entries)) {
      const actual = context[key];
      // A key the request does not carry fails the condition (no ...IfExists operators are used).
      if (actual === undefined) return false;
      const values = list(actual);
      const patterns = list(expected);
      const holds = values.some((v) => patterns.some((p) => test(p, v)));
      if (!holds) return false;
    }
  }
  return true;
}

function statementApplies(statement: Statement, request: Request): boolean {
  const actionMatches = (a: string) => wildcard(a, request.action, true);
  if (statement.Action !== undefined && !list(statement.Action).some(actionMatches)) return false;
  if (statement.NotAction !== undefined && list(statement.NotAction).some(actionMatches)) return false;
  if (!list(statement.Resource ?? '*').some((r) => wildcard(r, request.resource))) return false;
  if (!principalMatches(statement.Principal, request)) return false;
  return conditionsHold(statement.Condition, request.context ?? {});
}

/** Explicit Deny wins; otherwise allowed when any statement allows; otherwise implicitly denied. */
export function evaluate(
  statements: readonly Statement[],
  request: Request,
): 'allowed' | 'denied' | 'implicit' {
  const applying = statements.filter((s) => statementApplies(s, request));
  if (applying.some((s) => s.Effect === 'Deny')) return 'denied';
  return applying.some((s) => s.Effect === 'Allow') ? 'allowed' : 'implicit';
}
