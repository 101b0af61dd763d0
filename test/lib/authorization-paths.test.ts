import { describe, expect, it } from 'vitest';
import { validateSuite } from '../../functions/core/suite/validate-suite.ts';
import { deploySuiteInput, synthStack } from '../helpers/stacks.ts';
import { authorizationPaths } from './authorization-paths.ts';
import { evaluate, type Statement, type TemplateJson, wildcard } from './policy-evaluator.ts';

const env = { account: '123456789012', region: 'eu-west-1', partition: 'aws' };

describe('authorization paths of the synthesized template', () => {
  const { stack, template } = synthStack(deploySuiteInput());
  const json = template.toJSON() as TemplateJson;
  const paths = authorizationPaths(json, env, stack.probes.deployed);

  it('walks every alarm, schedule, state-machine task and function call, and every one is allowed on both sides', () => {
    const kinds = (pattern: RegExp) => paths.filter((p) => pattern.test(p.path)).length;
    // 22 alarms of perfprobe itself (two store-failed, five system, Errors and Throttles of Plan, Aggregate and two
    // workers, three of the notifier, four of the deliveries), each to the topic (the alarm topic, or the watch's
    // for the notifier's and the alarm topic's own failures) and to its key (GenerateDataKey and Decrypt); the 7
    // probe alarms through the rule to the notifier, and the
    // schedules' dead-letter alarm both to the topic and through the rule (the notifier adds the messages).
    expect(kinds(/^alarm .* → topic /)).toBe(22);
    expect(kinds(/^alarm .* → key /)).toBe(44);
    expect(kinds(/^alarm \S+ → rule \S+ → arn:aws:lambda:.*:function:ProbesNotifierFunction/)).toBe(9);
    // `perfprobe drill`'s alarm takes the probe alarms' path: the rule, the notifier, the topic.
    expect(kinds(/^alarm perfprobe\.bank\.prod\.drill → rule \S+ → arn:aws:lambda:/)).toBe(1);
    expect(kinds(/^alarm perfprobe\.bank\.prod\.system\.schedule-dead-letters → topic /)).toBe(1);
    expect(
      kinds(/^alarm perfprobe\.bank\.prod\.system\.schedule-dead-letters → rule \S+ → arn:aws:lambda:/),
    ).toBe(1);
    // The notifier's peek at those dead letters (ReceiveMessage; the queue is SSE-SQS: no key to walk).
    expect(kinds(/\(notify\) → dead letters ProbesScheduleDeadLetters\w+ \(peek\)$/)).toBe(1);
    expect(kinds(/\(notify\) → key \w+ of queue /)).toBe(0);
    // The alarm rule and the notifier's 5-minute tick, each with the function's resource policy checked.
    expect(kinds(/^rule .* → arn:aws:lambda:/)).toBe(2);
    expect(kinds(/^rule \S*NotifierTick\S* → arn:aws:lambda:.*:function:ProbesNotifierFunction/)).toBe(1);
    expect(kinds(/^rule .* → dead letters /)).toBe(2);
    expect(kinds(/\(notify\) → topic /)).toBe(1);
    expect(kinds(/\(notify\) → key /)).toBe(2);
    expect(kinds(/ → on failure arn:aws:sqs:/)).toBe(1);
    expect(kinds(/^schedule .* → arn:aws:states:/)).toBe(2);
    expect(kinds(/^schedule .* → dead letters /)).toBe(2);
    // Two machines × Plan, Worker, Aggregate.
    expect(kinds(/^state machine \S+ \((Plan|Worker|Aggregate)\) → /)).toBe(6);
    // Plan 1 + Aggregate 3 + two workers × 1 + the notifier's Query, GetItem, PutItem and UpdateItem.
    expect(kinds(/→ table /)).toBe(10);
    // Plan before each run, the notifier's tick for its reminder.
    expect(kinds(/→ parameter \/perfprobe\/bank\/prod\/kill-switch$/)).toBe(2);
    // The notifier reads each heartbeat alarm's configuration time (the deploy a heartbeat page waits after).
    expect(kinds(/\(notify\) → DescribeAlarms perfprobe\.bank\.prod\.probe\.\w+\.heartbeat$/)).toBe(2);
    expect(kinds(/→ CloudWatch metrics$/)).toBe(1);
    expect(kinds(/\(probe (health|accounts)\) → ssm:\/bank\/prod\/token$/)).toBe(2);
    expect(kinds(/→ its log group$/)).toBe(10);
    expect(paths.filter((p) => p.problems.length > 0)).toEqual([]);
  });

  it('invokes the exact published versions the definitions name', () => {
    const invokes = paths.filter((p) => /^state machine \S+ \(/.test(p.path)).map((p) => p.path);
    // Two machines, each calling Plan, Worker, Worker again to record a lost shard (ShardLost), and Aggregate.
    expect(invokes).toHaveLength(8);
    for (const path of invokes)
      expect(path).toMatch(/→ arn:aws:lambda:eu-west-1:123456789012:function:\w+:1$/);
  });

  it('fails the walk with the old topic policy (the TLS Deny only): no alarm can publish', () => {
    const old = structuredClone(json);
    for (const resource of Object.values(old.Resources)) {
      if (resource.Type !== 'AWS::SNS::TopicPolicy') continue;
      const document = resource.Properties!.PolicyDocument as { Statement: Statement[] };
      document.Statement = document.Statement.filter((s) => s.Effect === 'Deny');
    }
    const refused = authorizationPaths(old, env).filter((p) => p.problems.length > 0);
    expect(refused).toHaveLength(22);
    expect(refused[0]?.problems).toEqual([
      expect.stringMatching(
        /^the topic policy does not allow sns:Publish on arn:aws:sns:eu-west-1:123456789012:/,
      ),
    ]);
  });

  it("routes every probe alarm but store-failed, and the drill alarm, through the rule, and perfprobe's own alarms to the topic", () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    const routed = paths.filter((p) => / → rule /.test(p.path)).map((p) => p.path.split(' ')[1]);
    const direct = alarms.filter((a) => a.Properties.AlarmActions !== undefined);
    // The schedules' dead-letter alarm is the one in both: to the topic, and to the notifier for the details.
    const both = 'perfprobe.bank.prod.system.schedule-dead-letters';
    expect(routed.filter((name) => name === both)).toHaveLength(1);
    expect(routed.length - 1 + direct.length).toBe(alarms.length);
    for (const name of routed.filter((n) => n !== both))
      expect(name).toMatch(
        /^perfprobe\.bank\.prod\.(probe\.\w+\.(sla|heartbeat|cannot-measure|latency-p99)|drill)$/,
      );
    expect(direct.map((a) => a.Properties.AlarmName).sort()).toEqual([
      'perfprobe.bank.prod.probe.accounts.store-failed',
      'perfprobe.bank.prod.probe.health.store-failed',
      'perfprobe.bank.prod.system.aggregate-errors',
      'perfprobe.bank.prod.system.aggregate-throttles',
      'perfprobe.bank.prod.system.alarms-dead-letters',
      'perfprobe.bank.prod.system.alarms-delivery-failed',
      'perfprobe.bank.prod.system.checks-executions-failed',
      'perfprobe.bank.prod.system.checks-executions-timed-out',
      'perfprobe.bank.prod.system.checks-worker-errors',
      'perfprobe.bank.prod.system.checks-worker-throttles',
      'perfprobe.bank.prod.system.load-executions-failed',
      'perfprobe.bank.prod.system.load-executions-timed-out',
      'perfprobe.bank.prod.system.load-worker-errors',
      'perfprobe.bank.prod.system.load-worker-throttles',
      'perfprobe.bank.prod.system.notifier-dead-letters',
      'perfprobe.bank.prod.system.notifier-errors',
      'perfprobe.bank.prod.system.notifier-throttles',
      'perfprobe.bank.prod.system.plan-errors',
      'perfprobe.bank.prod.system.plan-throttles',
      'perfprobe.bank.prod.system.schedule-dead-letters',
      'perfprobe.bank.prod.system.watch-dead-letters',
      'perfprobe.bank.prod.system.watch-delivery-failed',
    ]);
  });

  it('fails the walk for a probe alarm the rule does not match (it would page nobody)', () => {
    const narrowed = structuredClone(json);
    for (const resource of Object.values(narrowed.Resources)) {
      if (resource.Type !== 'AWS::Events::Rule' || !resource.Properties?.EventPattern) continue;
      const detail = (
        resource.Properties!.EventPattern as { detail: { alarmName: ({ wildcard: string } | string)[] } }
      ).detail;
      detail.alarmName = detail.alarmName.filter(
        (f) => typeof f === 'string' || !f.wildcard.endsWith('.heartbeat'),
      );
    }
    const refused = authorizationPaths(narrowed, env).filter((p) => p.problems.length > 0);
    expect(refused.map((p) => p.problems[0])).toEqual([
      'no action and no rule with a function target matches perfprobe.bank.prod.probe.health.heartbeat',
      'no action and no rule with a function target matches perfprobe.bank.prod.probe.accounts.heartbeat',
    ]);
  });

  it("fails the walk when the notifier's role may not read the heartbeat alarms' configuration, or the tick may not invoke it", () => {
    const narrowed = structuredClone(json);
    for (const [id, resource] of Object.entries(narrowed.Resources)) {
      if (resource.Type === 'AWS::IAM::Policy') {
        const document = resource.Properties!.PolicyDocument as { Statement: Statement[] };
        document.Statement = document.Statement.filter((s) => s.Action !== 'cloudwatch:DescribeAlarms');
      }
      // The tick rule's permission on the function (its resource policy) is gone.
      if (resource.Type === 'AWS::Lambda::Permission' && id.includes('NotifierTick'))
        delete narrowed.Resources[id];
    }
    const refused = authorizationPaths(narrowed, env).filter((p) => p.problems.length > 0);
    expect(refused.map((p) => p.path.replace(/\w+NotifierFunction\w*/g, 'Notifier'))).toEqual([
      expect.stringMatching(
        /^function Notifier \(notify\) → DescribeAlarms perfprobe\.bank\.prod\.probe\.health\.heartbeat$/,
      ),
      expect.stringMatching(
        /^function Notifier \(notify\) → DescribeAlarms perfprobe\.bank\.prod\.probe\.accounts\.heartbeat$/,
      ),
      expect.stringMatching(/^rule \w*NotifierTick\w* → arn:aws:lambda:/),
    ]);
  });

  it('lets the notifier publish warn-level digests to their own topic and its key, when the suite has subscribers', () => {
    const input = deploySuiteInput();
    (input.environments.prod.notify as Record<string, unknown>).warn = { email: ['perf-team@example.com'] };
    const warned = synthStack(input);
    const walked = authorizationPaths(
      warned.template.toJSON() as TemplateJson,
      env,
      warned.stack.probes.deployed,
    );
    const [warnTopic] = Object.keys(warned.template.findResources('AWS::SNS::Topic')).filter((id) =>
      id.includes('Warnings'),
    );
    expect(walked.filter((p) => p.path.endsWith(`(notify) → topic ${warnTopic}`))).toHaveLength(1);
    expect(
      walked.filter((p) => new RegExp(`\\(notify\\) → key \\w+ of topic ${warnTopic}$`).test(p.path)),
    ).toHaveLength(2);
    expect(walked.filter((p) => p.problems.length > 0)).toEqual([]);
  });

  it("fails the walk when the notifier's role may not peek at the schedules' dead letters, or the queue policy denies it", () => {
    const ungranted = structuredClone(json);
    for (const resource of Object.values(ungranted.Resources)) {
      if (resource.Type !== 'AWS::IAM::Policy') continue;
      const document = resource.Properties!.PolicyDocument as { Statement: Statement[] };
      document.Statement = document.Statement.filter((s) => s.Action !== 'sqs:ReceiveMessage');
    }
    const denied = structuredClone(json);
    for (const resource of Object.values(denied.Resources)) {
      if (resource.Type !== 'AWS::SQS::QueuePolicy') continue;
      const document = resource.Properties!.PolicyDocument as { Statement: Statement[] };
      document.Statement.push({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sqs:ReceiveMessage',
        Resource: '*',
      });
    }

    const refused = authorizationPaths(ungranted, env).filter((p) => p.problems.length > 0);
    const refusedByQueue = authorizationPaths(denied, env).filter((p) => p.problems.length > 0);

    expect(refused.map((p) => p.path)).toEqual([
      expect.stringMatching(
        /^function ProbesNotifierFunction\w+ \(notify\) → dead letters ProbesScheduleDeadLetters\w+ \(peek\)$/,
      ),
    ]);
    expect(refused[0]?.problems).toEqual([
      expect.stringMatching(
        /^the identity policy of \w+ does not allow sqs:ReceiveMessage on arn:aws:sqs:eu-west-1:123456789012:/,
      ),
    ]);
    expect(refusedByQueue.map((p) => p.problems)).toEqual([
      [expect.stringMatching(/^the queue policy denies sqs:ReceiveMessage on arn:aws:sqs:/)],
    ]);
  });

  it("asks for kms:Decrypt on both sides when the schedules' dead-letter queue has a customer-managed key", () => {
    const keyed = structuredClone(json);
    const [queueId] = Object.keys(keyed.Resources).filter((id) => id.startsWith('ProbesScheduleDeadLetters'));
    const queue = keyed.Resources[queueId!]!.Properties!;
    delete queue.SqsManagedSseEnabled;
    queue.KmsMasterKeyId = { 'Fn::GetAtt': ['DeadLettersKey', 'Arn'] };
    keyed.Resources.DeadLettersKey = {
      Type: 'AWS::KMS::Key',
      Properties: {
        KeyPolicy: {
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: 'arn:aws:iam::123456789012:root' },
              Action: 'kms:*',
              Resource: '*',
            },
          ],
        },
      },
    };

    const refused = authorizationPaths(keyed, env).filter((p) => p.problems.length > 0);

    // The stack grants no kms:Decrypt on a key it does not use: the walk says so, rather than passing.
    expect(refused.map((p) => p.path)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^function ProbesNotifierFunction\\w+ \\(notify\\) → key DeadLettersKey of queue ${queueId}$`,
        ),
      ),
    ]);
    expect(refused[0]?.problems).toEqual([
      expect.stringMatching(/^the identity policy of \w+ does not allow kms:Decrypt on arn:aws:kms:/),
    ]);
  });

  it("fails the walk when the notifier's role may not publish to the topic", () => {
    const ungranted = structuredClone(json);
    for (const resource of Object.values(ungranted.Resources)) {
      if (resource.Type !== 'AWS::IAM::Policy') continue;
      const document = resource.Properties!.PolicyDocument as { Statement: Statement[] };
      document.Statement = document.Statement.filter((s) => s.Action !== 'sns:Publish');
    }
    const refused = authorizationPaths(ungranted, env).filter((p) => p.problems.length > 0);
    expect(refused.map((p) => p.path)).toEqual([
      expect.stringMatching(/^function ProbesNotifierFunction\w+ \(notify\) → topic ProbesAlarms\w+$/),
    ]);
    expect(refused[0]?.problems).toEqual([
      expect.stringMatching(/does not allow sns:Publish on arn:aws:sns:eu-west-1:123456789012:ProbesAlarms/),
    ]);
  });

  it('fails the walk when the key policy lets CloudWatch use the key for another account only', () => {
    const other = structuredClone(json);
    const text = JSON.stringify(other).replaceAll(
      '"aws:SourceAccount":"123456789012"',
      '"aws:SourceAccount":"999999999999"',
    );
    const refused = authorizationPaths(JSON.parse(text), env).filter((p) => p.problems.length > 0);
    expect(refused.some((p) => /→ key /.test(p.path))).toBe(true);
  });

  it('fails the walk when a worker cannot read a secret its probe uses', () => {
    const input = deploySuiteInput();
    const suite = validateSuite(input);
    const { stack: other, template: otherTemplate } = synthStack(input);
    // The deployed suite asks for a second secret the stack never granted.
    const deployed = structuredClone(other.probes.deployed);
    (deployed.probes.health!.secrets as Record<string, string>).extra = 'ssm:/bank/prod/other';
    const refused = authorizationPaths(otherTemplate.toJSON() as TemplateJson, env, deployed).filter(
      (p) => p.problems.length > 0,
    );
    expect(suite.probes).toHaveLength(2);
    expect(refused.map((p) => p.path)).toEqual([
      expect.stringMatching(/\(probe health\) → ssm:\/bank\/prod\/other$/),
    ]);
  });

  it('grants kms:Decrypt through the service for a secret declared under a customer-managed key', () => {
    const suite = validateSuite(deploySuiteInput());
    // The suite's own parser does not accept the #kms= suffix yet: set on the validated suite directly.
    suite.environments.prod!.variables.token = { secret: 'ssm:/bank/prod/token#kms=alias/bank-secrets' };
    const { stack: keyed, template: keyedTemplate } = synthStack(suite, 'prod', { validated: true });
    const walked = authorizationPaths(keyedTemplate.toJSON() as TemplateJson, env, keyed.probes.deployed);
    const decrypts = walked.filter((p) => p.path.endsWith('→ key alias/bank-secrets'));
    expect(decrypts).toHaveLength(2);
    expect(walked.filter((p) => p.problems.length > 0)).toEqual([]);
    const statements = Object.values(keyedTemplate.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Statement[],
    );
    const decrypt = statements.find((s) => s.Action === 'kms:Decrypt');
    expect(decrypt?.Condition).toEqual({
      StringEquals: {
        'kms:ViaService': [{ 'Fn::Join': ['', ['ssm.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] }],
      },
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/bank-secrets' },
    });
  });
});

describe('an empty walk', () => {
  it('fails rather than passing: a template without cross-service calls proves nothing', () => {
    expect(() => authorizationPaths({ Resources: {} }, env)).toThrow(/found no cross-service call/);
  });
});

describe('the policy evaluator', () => {
  const allow: Statement = { Effect: 'Allow', Action: 'sns:Publish', Resource: 'arn:aws:sns:*:1:t' };

  it('lets an explicit Deny win over an Allow', () => {
    const deny: Statement = { Effect: 'Deny', Action: 'sns:*', Resource: '*' };
    expect(evaluate([allow, deny], { action: 'sns:Publish', resource: 'arn:aws:sns:r:1:t' })).toBe('denied');
  });

  it('denies implicitly what no statement allows, and matches actions case-insensitively', () => {
    expect(evaluate([allow], { action: 'SNS:publish', resource: 'arn:aws:sns:r:1:t' })).toBe('allowed');
    expect(evaluate([allow], { action: 'sns:Subscribe', resource: 'arn:aws:sns:r:1:t' })).toBe('implicit');
  });

  it('fails a condition whose key the request does not carry', () => {
    const conditional: Statement = { ...allow, Condition: { StringEquals: { 'aws:SourceAccount': '1' } } };
    expect(evaluate([conditional], { action: 'sns:Publish', resource: 'arn:aws:sns:r:1:t' })).toBe(
      'implicit',
    );
  });

  it('matches IAM wildcards, * over any run and ? over one character', () => {
    expect(wildcard('secret:name-??????', 'secret:name-AbC123')).toBe(true);
    expect(wildcard('secret:name-??????', 'secret:name-other-AbC123')).toBe(false);
    expect(wildcard('alarm:perfprobe.bank.prod.*', 'alarm:perfprobe.bank.prod-eu.x')).toBe(false);
  });

  it('refuses condition operators it does not know rather than allowing', () => {
    const unknown: Statement = { ...allow, Condition: { NumericLessThan: { 'x:y': '1' } } };
    expect(() => evaluate([unknown], { action: 'sns:Publish', resource: 'arn:aws:sns:r:1:t' })).toThrow(
      /does not know the condition operator NumericLessThan/,
    );
  });
});
