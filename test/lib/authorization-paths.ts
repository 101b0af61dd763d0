// Every cross-service call the stack relies on, derived from its synthesized template, each checked on both
// sides: the caller's identity policy (a role's policies, or a service principal's nothing) and the callee's
// resource or key policy where it has one.
import { checkGroup } from '../../functions/core/cloud/check-groups.ts';
import type { DeployedSuite } from '../../functions/core/cloud/deployed-suite.ts';
import { parseKeyedSecretReference } from '../../lib/secret-grants.ts';
import { eventMatches } from './event-pattern.ts';
import {
  type Environment,
  evaluate,
  type Request,
  type Statement,
  type TemplateJson,
  TemplateResolver,
} from './policy-evaluator.ts';

export interface AuthorizationPath {
  /** What the call is, in words: "alarm X → topic Y (sns:Publish)". */
  readonly path: string;
  /** Why it is refused, one entry per failing side; empty when both sides allow it. */
  readonly problems: string[];
}

/** The table actions each handler performs (the contract with the runtime: functions/handlers/*). */
const TABLE_ACTIONS: Record<string, string[]> = {
  plan: ['dynamodb:PutItem'],
  worker: ['dynamodb:PutItem'],
  aggregate: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem'],
  notify: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
};

export function authorizationPaths(
  template: TemplateJson,
  env: Environment,
  deployed?: DeployedSuite,
): AuthorizationPath[] {
  const t = new TemplateResolver(template, env);
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const paths: AuthorizationPath[] = [];
  const rootOf = `arn:${env.partition}:iam::${env.account}:root`;

  /** The statements of every policy attached to a role (inline, AWS::IAM::Policy); managed ones are refused. */
  const roleStatements = (roleId: string): Statement[] => {
    const role = t.resource(roleId);
    if (list(role.Properties?.ManagedPolicyArns).length > 0) {
      throw new Error(`${roleId} has managed policies, which this walk cannot read`);
    }
    const inline = list<{ PolicyDocument: unknown }>(role.Properties?.Policies).flatMap(
      (p) => (t.resolve(p.PolicyDocument) as { Statement: Statement[] }).Statement,
    );
    const attached = ofType('AWS::IAM::Policy')
      .filter(([, p]) =>
        list(p.Properties?.Roles).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })),
      )
      .flatMap(([, p]) => (t.resolve(p.Properties?.PolicyDocument) as { Statement: Statement[] }).Statement);
    return [...inline, ...attached];
  };
  const roleIdOf = (arn: unknown): string => {
    const node = arn as { 'Fn::GetAtt'?: [string, string] };
    if (!node?.['Fn::GetAtt']) throw new Error(`expected a role's Arn, got ${JSON.stringify(arn)}`);
    return node['Fn::GetAtt'][0];
  };
  const queueStatements = (queueId: string): Statement[] =>
    ofType('AWS::SQS::QueuePolicy')
      .filter(([, p]) =>
        list(p.Properties?.Queues).some((q) => JSON.stringify(q) === JSON.stringify({ Ref: queueId })),
      )
      .flatMap(([, p]) => (t.resolve(p.Properties?.PolicyDocument) as { Statement: Statement[] }).Statement);
  const check = (path: string, sides: [string, Statement[] | undefined, Request][]) => {
    const problems: string[] = [];
    for (const [side, statements, request] of sides) {
      if (statements === undefined) continue;
      const verdict = evaluate(statements, request);
      if (verdict !== 'allowed')
        problems.push(
          `${side} ${verdict === 'denied' ? 'denies' : 'does not allow'} ${request.action} on ${request.resource}`,
        );
    }
    paths.push({ path, problems });
  };
  /** The service assumes the role, with the source it names (Scheduler: its schedule group's ARN). */
  const trust = (roleId: string, service: string, path: string, sourceArn?: string) => {
    const doc = t.resolve(t.resource(roleId).Properties?.AssumeRolePolicyDocument) as {
      Statement: Statement[];
    };
    check(`${path}: ${service} assumes ${roleId}`, [
      [
        `the trust policy of ${roleId}`,
        doc.Statement,
        {
          action: 'sts:AssumeRole',
          resource: t.getAtt(roleId, 'Arn'),
          principal: { service },
          context: {
            'aws:SourceAccount': env.account,
            ...(sourceArn ? { 'aws:SourceArn': sourceArn } : {}),
          },
        },
      ],
    ]);
  };

  /** The topic policy's statements, or undefined when the topic has none (SNS's default one applies). */
  const topicPolicyOf = (ref: string): Statement[] | undefined => {
    const topicPolicies = ofType('AWS::SNS::TopicPolicy').filter(([, p]) =>
      list(p.Properties?.Topics).some((x) => JSON.stringify(x) === JSON.stringify({ Ref: ref })),
    );
    return topicPolicies.length === 0
      ? undefined
      : topicPolicies.flatMap(
          ([, p]) => (t.resolve(p.Properties?.PolicyDocument) as { Statement: Statement[] }).Statement,
        );
  };
  const keyOfTopic = (ref: string): string | undefined =>
    (t.resource(ref).Properties?.KmsMasterKeyId as { 'Fn::GetAtt'?: [string, string] } | undefined)?.[
      'Fn::GetAtt'
    ]?.[0];
  const keyPolicyOf = (keyId: string) =>
    (t.resolve(t.resource(keyId).Properties?.KeyPolicy) as { Statement: Statement[] }).Statement;
  // Rules on events (a schedule rule has no pattern: it is walked below, with every rule's targets).
  const rules = ofType('AWS::Events::Rule')
    .filter(([, rule]) => rule.Properties?.EventPattern !== undefined)
    .map(([ruleId, rule]) => ({
      ruleId,
      pattern: t.resolve(rule.Properties?.EventPattern) as Parameters<typeof eventMatches>[0],
      // A function, or (another location's forwarding) home's event bus, where the notifier's rule takes it.
      lambdas: list<{ Arn: unknown }>(rule.Properties?.Targets)
        .map((target) => t.str(target.Arn))
        .filter((arn) => arn.includes(':lambda:') || arn.includes(':event-bus/')),
    }));

  // CloudWatch alarm → SNS topic → its KMS key; an alarm without actions → a rule → a function.
  for (const [alarmId, alarm] of ofType('AWS::CloudWatch::Alarm')) {
    const alarmArn = t.getAtt(alarmId, 'Arn');
    const actions = [...list(alarm.Properties?.AlarmActions), ...list(alarm.Properties?.OKActions)];
    const alarmName = t.str(alarm.Properties?.AlarmName);
    // The state change as EventBridge delivers it (the fields a pattern can name).
    const event = {
      source: 'aws.cloudwatch',
      'detail-type': 'CloudWatch Alarm State Change',
      account: env.account,
      region: env.region,
      resources: [alarmArn],
      detail: { alarmName, state: { value: 'ALARM' }, previousState: { value: 'OK' } },
    };
    const routes = rules.filter((r) => r.lambdas.length > 0 && eventMatches(r.pattern, event));
    // An alarm with actions may also go through a rule (the schedules' dead-letter alarm: the notifier adds
    // the messages' errors); the topic action alone must be enough to page.
    if (actions.length > 0 && routes.length > 0) {
      paths.push({
        path: `alarm ${alarmName} → ${routes.map((r) => `rule ${r.ruleId} → ${r.lambdas.join(', ')}`).join('; ')}`,
        problems: [],
      });
    }
    if (actions.length === 0) {
      paths.push({
        path: `alarm ${alarmName} → ${routes.map((r) => `rule ${r.ruleId} → ${r.lambdas.join(', ')}`).join('; ') || 'nobody'}`,
        problems:
          routes.length === 0 ? [`no action and no rule with a function target matches ${alarmName}`] : [],
      });
    }
    for (const action of new Set(actions.map((a) => JSON.stringify(a)))) {
      const ref = (JSON.parse(action) as { Ref?: string }).Ref;
      if (!ref || t.resource(ref).Type !== 'AWS::SNS::Topic')
        throw new Error(`${alarmId}: unknown alarm action ${action}`);
      const topicArn = t.ref(ref);
      const context = {
        'aws:SourceAccount': env.account,
        'aws:SourceArn': alarmArn,
        'aws:SecureTransport': 'true',
      };
      // Without a topic policy SNS's default one lets same-account CloudWatch publish; with one, only it counts.
      const topicStatements = topicPolicyOf(ref);
      check(`alarm ${alarm.Properties?.AlarmName} → topic ${ref}`, [
        [
          'the topic policy',
          topicStatements,
          {
            action: 'sns:Publish',
            resource: topicArn,
            principal: { service: 'cloudwatch.amazonaws.com' },
            context,
          },
        ],
      ]);
      const keyId = keyOfTopic(ref);
      if (keyId) {
        const keyPolicy = keyPolicyOf(keyId);
        for (const kmsAction of ['kms:GenerateDataKey', 'kms:Decrypt']) {
          check(`alarm ${alarm.Properties?.AlarmName} → key ${keyId} of topic ${ref}`, [
            [
              'the key policy',
              keyPolicy,
              {
                action: kmsAction,
                resource: t.getAtt(keyId, 'Arn'),
                principal: { service: 'cloudwatch.amazonaws.com' },
                context: { 'aws:SourceAccount': env.account },
              },
            ],
          ]);
        }
      }
    }
  }

  // Scheduler → state machine (and its dead-letter queue).
  const probesOfMachine = new Map<string, string[]>();
  for (const [scheduleId, schedule] of ofType('AWS::Scheduler::Schedule')) {
    const target = schedule.Properties?.Target as Record<string, unknown>;
    const roleId = roleIdOf(target.RoleArn);
    const statements = roleStatements(roleId);
    const group = String(schedule.Properties?.GroupName ?? 'default');
    trust(
      roleId,
      'scheduler.amazonaws.com',
      `schedule ${scheduleId}`,
      `arn:${env.partition}:scheduler:${env.region}:${env.account}:schedule-group/${group}`,
    );
    const machineArn = t.str(target.Arn);
    check(`schedule ${scheduleId} → ${machineArn}`, [
      [
        `the identity policy of ${roleId}`,
        statements,
        { action: 'states:StartExecution', resource: machineArn },
      ],
    ]);
    const machineId = (target.Arn as { Ref: string }).Ref;
    // A load's schedule names its probe; a checks schedule its group, which Plan expands from the bundled suite.
    const input = JSON.parse(String(target.Input)) as { probeId?: string; checks?: string };
    const started =
      input.checks === undefined
        ? [input.probeId!]
        : deployed
          ? [...checkGroup(deployed, input.checks).probeIds]
          : [];
    probesOfMachine.set(machineId, [...(probesOfMachine.get(machineId) ?? []), ...started]);
    const dlq = (target.DeadLetterConfig as { Arn?: unknown } | undefined)?.Arn;
    if (dlq) {
      const queueArn = t.str(dlq);
      const queueId = (dlq as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const queuePolicy = ofType('AWS::SQS::QueuePolicy')
        .filter(([, p]) =>
          list(p.Properties?.Queues).some((q) => JSON.stringify(q) === JSON.stringify({ Ref: queueId })),
        )
        .flatMap(
          ([, p]) => (t.resolve(p.Properties?.PolicyDocument) as { Statement: Statement[] }).Statement,
        );
      const send = {
        action: 'sqs:SendMessage',
        resource: queueArn,
        principal: { account: env.account },
        context: { 'aws:SecureTransport': 'true' },
      };
      check(`schedule ${scheduleId} → dead letters ${queueId}`, [
        [`the identity policy of ${roleId}`, statements, send],
        // Same account: the queue policy need not allow, only not deny.
        [
          'the queue policy',
          [...queuePolicy, { Effect: 'Allow', Principal: { AWS: rootOf }, Action: '*', Resource: '*' }],
          send,
        ],
      ]);
    }
  }

  // State machine → the exact Lambda ARNs its definition invokes; functions → what they call.
  const workersOf = new Map<string, string[]>();
  for (const [machineId, machine] of ofType('AWS::StepFunctions::StateMachine')) {
    const roleId = roleIdOf(machine.Properties?.RoleArn);
    trust(roleId, 'states.amazonaws.com', `state machine ${machineId}`, t.ref(machineId));
    const statements = roleStatements(roleId);
    const definition = JSON.parse(t.str(machine.Properties?.DefinitionString)) as {
      States: Record<string, unknown>;
    };
    for (const [state, arn] of lambdaTasks(definition.States)) {
      check(`state machine ${machineId} (${state}) → ${arn}`, [
        [`the identity policy of ${roleId}`, statements, { action: 'lambda:InvokeFunction', resource: arn }],
      ]);
      if (state === 'Worker') {
        const functionId = arn.split(':')[6]!;
        workersOf.set(functionId, [
          ...(workersOf.get(functionId) ?? []),
          ...(probesOfMachine.get(machineId) ?? []),
        ]);
      }
    }
  }

  for (const [functionId, fn] of ofType('AWS::Lambda::Function')) {
    const props = fn.Properties ?? {};
    const roleId = roleIdOf(props.Role);
    trust(roleId, 'lambda.amazonaws.com', `function ${functionId}`);
    const statements = roleStatements(roleId);
    const identity = `the identity policy of ${roleId}`;
    const handler = /^perfprobe (\w+)/.exec(String(props.Description ?? ''))?.[1];
    const variables = (props.Environment as { Variables?: Record<string, unknown> })?.Variables ?? {};
    const logGroup = (props.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup;
    if (logGroup) {
      const stream = `arn:${env.partition}:logs:${env.region}:${env.account}:log-group:${t.str(logGroup)}:log-stream:2026/01/01/[$LATEST]abc`;
      for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
        check(`function ${functionId} → its log group`, [
          [identity, statements, { action, resource: stream }],
        ]);
      }
    }
    if (variables.RUNS_TABLE !== undefined) {
      const tableId = (variables.RUNS_TABLE as { Ref: string }).Ref;
      for (const action of TABLE_ACTIONS[handler ?? ''] ?? []) {
        check(`function ${functionId} (${handler}) → table ${tableId}`, [
          [identity, statements, { action, resource: t.getAtt(tableId, 'Arn') }],
        ]);
      }
    }
    if (variables.KILL_SWITCH_PARAMETER !== undefined) {
      const name = t.str(variables.KILL_SWITCH_PARAMETER);
      check(`function ${functionId} → parameter ${name}`, [
        [
          identity,
          statements,
          {
            action: 'ssm:GetParameter',
            resource: `arn:${env.partition}:ssm:${env.region}:${env.account}:parameter${name}`,
          },
        ],
      ]);
    }
    for (const variable of ['ALARM_TOPIC', 'WARN_TOPIC']) {
      if (variables[variable] === undefined) continue;
      // The notifier publishes as itself: its identity policy must allow, the topic policy must not deny (same
      // account), and the topic's key must let it make a data key, through its policy and the key policy.
      const ref = (variables[variable] as { Ref: string }).Ref;
      const publish: Request = {
        action: 'sns:Publish',
        resource: t.ref(ref),
        principal: { account: env.account },
        context: { 'aws:SecureTransport': 'true' },
      };
      const topicPolicy = topicPolicyOf(ref);
      check(`function ${functionId} (${handler}) → topic ${ref}`, [
        [identity, statements, publish],
        ...(topicPolicy
          ? [
              [
                'the topic policy',
                [...topicPolicy, { Effect: 'Allow', Principal: { AWS: rootOf }, Action: '*', Resource: '*' }],
                publish,
              ] as [string, Statement[], Request],
            ]
          : []),
      ]);
      const keyId = keyOfTopic(ref);
      if (keyId) {
        for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
          const use: Request = {
            action,
            resource: t.getAtt(keyId, 'Arn'),
            principal: { account: env.account },
          };
          check(`function ${functionId} (${handler}) → key ${keyId} of topic ${ref}`, [
            [identity, statements, use],
            ['the key policy', keyPolicyOf(keyId), use],
          ]);
        }
      }
    }
    if (variables.SCHEDULE_DEAD_LETTERS !== undefined) {
      // The notifier peeks at the schedules' dead letters as itself: its identity policy must allow
      // ReceiveMessage, the queue policy must not deny it (same account), and a customer key must let it decrypt.
      const url = variables.SCHEDULE_DEAD_LETTERS as { Ref?: string };
      if (!url.Ref || t.resource(url.Ref).Type !== 'AWS::SQS::Queue') {
        throw new Error(`${functionId}: SCHEDULE_DEAD_LETTERS is not a queue's URL: ${JSON.stringify(url)}`);
      }
      const queueId = url.Ref;
      const receive: Request = {
        action: 'sqs:ReceiveMessage',
        resource: t.getAtt(queueId, 'Arn'),
        principal: { account: env.account },
        context: { 'aws:SecureTransport': 'true' },
      };
      check(`function ${functionId} (${handler}) → dead letters ${queueId} (peek)`, [
        [identity, statements, receive],
        [
          'the queue policy',
          [
            ...queueStatements(queueId),
            { Effect: 'Allow', Principal: { AWS: rootOf }, Action: '*', Resource: '*' },
          ],
          receive,
        ],
      ]);
      const queue = t.resource(queueId).Properties ?? {};
      const keyId = (queue.KmsMasterKeyId as { 'Fn::GetAtt'?: [string, string] } | undefined)?.[
        'Fn::GetAtt'
      ]?.[0];
      if (queue.KmsMasterKeyId !== undefined && keyId === undefined) {
        throw new Error(
          `${queueId}: a KMS key this walk cannot read: ${JSON.stringify(queue.KmsMasterKeyId)}`,
        );
      }
      if (keyId) {
        const decrypt: Request = {
          action: 'kms:Decrypt',
          resource: t.getAtt(keyId, 'Arn'),
          principal: { account: env.account },
          context: { 'kms:ViaService': `sqs.${env.region}.amazonaws.com` },
        };
        check(`function ${functionId} (${handler}) → key ${keyId} of queue ${queueId}`, [
          [identity, statements, decrypt],
          ['the key policy', keyPolicyOf(keyId), decrypt],
        ]);
      }
    }
    if (handler === 'notify') {
      // A heartbeat's deploy time: DescribeAlarms of that heartbeat alarm (every probe's, by the template).
      for (const [, alarm] of ofType('AWS::CloudWatch::Alarm')) {
        const name = t.str(alarm.Properties?.AlarmName);
        if (!name.endsWith('.heartbeat')) continue;
        check(`function ${functionId} (notify) → DescribeAlarms ${name}`, [
          [
            identity,
            statements,
            {
              action: 'cloudwatch:DescribeAlarms',
              resource: `arn:${env.partition}:cloudwatch:${env.region}:${env.account}:alarm:${name}`,
            },
          ],
        ]);
      }
    }
    if (handler === 'aggregate') {
      check(`function ${functionId} → CloudWatch metrics`, [
        [
          identity,
          statements,
          {
            action: 'cloudwatch:PutMetricData',
            resource: '*',
            context: { 'cloudwatch:namespace': 'Perfprobe' },
          },
        ],
      ]);
    }
    if (handler === 'worker' && deployed) {
      for (const probeId of workersOf.get(functionId) ?? []) {
        for (const text of Object.values(deployed.probes[probeId]?.secrets ?? {})) {
          const parsed = parseKeyedSecretReference(text);
          if (!parsed || parsed.reference.scheme === 'env') continue;
          const { reference, kmsKey } = parsed;
          const request: Request =
            reference.scheme === 'ssm'
              ? {
                  action: 'ssm:GetParameter',
                  resource: `arn:${env.partition}:ssm:${env.region}:${env.account}:parameter${reference.name}`,
                }
              : {
                  action: 'secretsmanager:GetSecretValue',
                  resource: `arn:${env.partition}:secretsmanager:${env.region}:${env.account}:secret:${reference.name}-AbC123`,
                };
          check(`function ${functionId} (probe ${probeId}) → ${text}`, [[identity, statements, request]]);
          if (kmsKey) {
            const keyArn = kmsKey.startsWith('arn:')
              ? kmsKey
              : `arn:${env.partition}:kms:${env.region}:${env.account}:key/${kmsKey.startsWith('alias/') ? '1234abcd-12ab-34cd-56ef-1234567890ab' : kmsKey}`;
            check(`function ${functionId} (probe ${probeId}) → key ${kmsKey}`, [
              [
                identity,
                statements,
                {
                  action: 'kms:Decrypt',
                  resource: keyArn,
                  context: {
                    'kms:ViaService': `${reference.scheme}.${env.region}.amazonaws.com`,
                    ...(kmsKey.startsWith('alias/') ? { 'kms:ResourceAliases': [kmsKey] } : {}),
                  },
                },
              ],
            ]);
          }
        }
      }
    }
  }

  // EventBridge rule → its Lambda targets (the function's resource policy must let the rule invoke it).
  for (const [ruleId, rule] of ofType('AWS::Events::Rule')) {
    for (const target of list<{ Arn: unknown }>(rule.Properties?.Targets)) {
      const arn = t.str(target.Arn);
      if (!arn.includes(':lambda:')) continue;
      const permissions = ofType('AWS::Lambda::Permission').map(([, p]) => {
        const props = t.resolve(p.Properties) as Record<string, string>;
        return {
          Effect: 'Allow',
          Principal: { Service: props.Principal },
          Action: props.Action,
          Resource: props.FunctionName?.startsWith('arn:')
            ? props.FunctionName
            : t.getAtt(props.FunctionName ?? '', 'Arn'),
          ...(props.SourceArn ? { Condition: { ArnLike: { 'aws:SourceArn': props.SourceArn } } } : {}),
        } as Statement;
      });
      check(`rule ${ruleId} → ${arn}`, [
        [
          "the function's resource policy",
          permissions,
          {
            action: 'lambda:InvokeFunction',
            resource: arn,
            principal: { service: 'events.amazonaws.com' },
            context: { 'aws:SourceArn': t.getAtt(ruleId, 'Arn') },
          },
        ],
      ]);
    }
  }
  // Rule → a target it reaches with a role of its own: another region's event bus (events:PutEvents), or a
  // topic (sns:Publish, and the topic key's data key): the role's trust and identity policy, the topic policy
  // must not deny it (same account), the key policy must allow the account's roles.
  for (const [ruleId, rule] of ofType('AWS::Events::Rule')) {
    for (const target of list<{ Arn: unknown; RoleArn?: unknown }>(rule.Properties?.Targets)) {
      if (target.RoleArn === undefined) continue;
      const roleId = roleIdOf(target.RoleArn);
      const identity = `the identity policy of ${roleId}`;
      const statements = roleStatements(roleId);
      const arn = t.str(target.Arn);
      trust(roleId, 'events.amazonaws.com', `rule ${ruleId}`);
      if (arn.includes(':event-bus/')) {
        check(`rule ${ruleId} → ${arn}`, [
          [identity, statements, { action: 'events:PutEvents', resource: arn }],
        ]);
        continue;
      }
      const ref = (target.Arn as { Ref?: string }).Ref;
      if (!ref || t.resource(ref).Type !== 'AWS::SNS::Topic')
        throw new Error(`${ruleId}: unknown target ${arn}`);
      const publish: Request = {
        action: 'sns:Publish',
        resource: arn,
        principal: { account: env.account },
        context: { 'aws:SecureTransport': 'true' },
      };
      const topicPolicy = topicPolicyOf(ref);
      check(`rule ${ruleId} → topic ${ref}`, [
        [identity, statements, publish],
        ...(topicPolicy
          ? [
              [
                'the topic policy',
                [...topicPolicy, { Effect: 'Allow', Principal: { AWS: rootOf }, Action: '*', Resource: '*' }],
                publish,
              ] as [string, Statement[], Request],
            ]
          : []),
      ]);
      const keyId = keyOfTopic(ref);
      if (keyId) {
        for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
          const use: Request = {
            action,
            resource: t.getAtt(keyId, 'Arn'),
            principal: { account: env.account },
          };
          check(`rule ${ruleId} → key ${keyId} of topic ${ref}`, [
            [identity, statements, use],
            ['the key policy', keyPolicyOf(keyId), use],
          ]);
        }
      }
    }
  }
  // Rule → its dead-letter queue (EventBridge sends as the service, on the rule's behalf).
  for (const [ruleId, rule] of ofType('AWS::Events::Rule')) {
    for (const target of list<{ DeadLetterConfig?: { Arn: unknown } }>(rule.Properties?.Targets)) {
      if (!target.DeadLetterConfig) continue;
      const queueId = (target.DeadLetterConfig.Arn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      check(`rule ${ruleId} → dead letters ${queueId}`, [
        [
          'the queue policy',
          queueStatements(queueId),
          {
            action: 'sqs:SendMessage',
            resource: t.getAtt(queueId, 'Arn'),
            principal: { service: 'events.amazonaws.com' },
            context: { 'aws:SourceArn': t.getAtt(ruleId, 'Arn'), 'aws:SecureTransport': 'true' },
          },
        ],
      ]);
    }
  }
  // A function's failed asynchronous invocations → its on-failure destination (as the function's role).
  for (const [configId, config] of ofType('AWS::Lambda::EventInvokeConfig')) {
    const destination = (config.Properties?.DestinationConfig as { OnFailure?: { Destination: unknown } })
      ?.OnFailure?.Destination;
    if (!destination) continue;
    const functionId = String((config.Properties?.FunctionName as { Ref?: string } | undefined)?.Ref);
    const roleId = roleIdOf(t.resource(functionId).Properties?.Role);
    check(`function ${functionId} (${configId}) → on failure ${t.str(destination)}`, [
      [
        `the identity policy of ${roleId}`,
        roleStatements(roleId),
        { action: 'sqs:SendMessage', resource: t.str(destination) },
      ],
    ]);
  }
  // A walk that finds nothing proves nothing (a renamed resource type or property would make it pass).
  if (paths.length === 0) throw new Error('the walk found no cross-service call in the template');
  return paths;
}

/** Each Task state's Lambda ARN: `lambda:invoke` with Parameters.FunctionName, or a function ARN directly. */
function lambdaTasks(states: Record<string, unknown>): [string, string][] {
  const found: [string, string][] = [];
  for (const [name, raw] of Object.entries(states)) {
    const state = raw as Record<string, unknown>;
    if (state.Type === 'Task') {
      const resource = String(state.Resource);
      const parameters = state.Parameters as Record<string, unknown> | undefined;
      if (resource.endsWith(':states:::lambda:invoke')) found.push([name, String(parameters?.FunctionName)]);
      else if (resource.includes(':lambda:')) found.push([name, resource]);
      else throw new Error(`state ${name}: a task the walk does not know (${resource})`);
    }
    const processor = (state.ItemProcessor ?? state.Iterator) as
      | { States?: Record<string, unknown> }
      | undefined;
    if (processor?.States) found.push(...lambdaTasks(processor.States));
  }
  return found;
}

function list<T = unknown>(value: unknown): T[] {
  return value === undefined ? [] : Array.isArray(value) ? (value as T[]) : [value as T];
}
