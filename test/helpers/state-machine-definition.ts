/**
 * Turns a synthesized state machine's DefinitionString (an Fn::Join over literal text and references to the
 * functions) into the Amazon States Language document itself, with each reference replaced by a stand-in ARN
 * that names the referenced logical id. The local runner executes that very document.
 */
export function renderDefinition(definitionString: unknown): Record<string, unknown> {
  const render = (part: unknown): string => {
    if (typeof part === 'string') return part;
    if (part && typeof part === 'object') {
      const ref = part as Record<string, unknown>;
      if (Array.isArray(ref['Fn::GetAtt'])) return standInArn(String(ref['Fn::GetAtt'][0]));
      if (typeof ref.Ref === 'string')
        return ref.Ref.startsWith('AWS::') ? pseudo(ref.Ref) : standInArn(ref.Ref);
      if (Array.isArray(ref['Fn::Join'])) {
        const [separator, parts] = ref['Fn::Join'] as [string, unknown[]];
        return parts.map(render).join(separator);
      }
    }
    throw new Error(`cannot render ${JSON.stringify(part)} in a state machine definition`);
  };
  return JSON.parse(render(definitionString)) as Record<string, unknown>;
}

function standInArn(logicalId: string): string {
  return `arn:aws:lambda:us-east-1:123456789012:function:${logicalId}`;
}

function pseudo(name: string): string {
  const values: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': 'us-east-1',
    'AWS::AccountId': '123456789012',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  return values[name] ?? name;
}
