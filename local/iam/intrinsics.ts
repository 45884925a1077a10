// CloudFormation intrinsic functions, resolved the way CloudFormation would for one known account and
// region. CDK renders every ARN of a stack without a fixed env as Fn::Join over AWS::Partition,
// AWS::Region and AWS::AccountId; resolved, the synthesized policies name the same ARNs the local
// gate builds for requests.

export interface IntrinsicContext {
  partition: string;
  region: string;
  accountId: string;
  /** Values of Ref to logical ids and parameters, and of Fn::GetAtt as "LogicalId.Attribute". */
  refs?: Record<string, unknown>;
  /** The template's Mappings, for Fn::FindInMap. */
  mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

/** AWS::NoValue: the property it stands for is removed, as CloudFormation does. */
const NO_VALUE = Symbol('AWS::NoValue');

export class UnresolvableIntrinsicError extends Error {}

const pseudoParameter = (name: string, ctx: IntrinsicContext): unknown => {
  switch (name) {
    case 'AWS::Partition':
      return ctx.partition;
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::AccountId':
      return ctx.accountId;
    case 'AWS::URLSuffix':
      return ctx.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
    case 'AWS::NoValue':
      return NO_VALUE;
  }
  if (ctx.refs && name in ctx.refs) return ctx.refs[name];
  throw new UnresolvableIntrinsicError(`Ref to ${name} has no value (pass it in refs)`);
};

const asString = (value: unknown, fn: string) => {
  if (typeof value !== 'string' && typeof value !== 'number')
    throw new UnresolvableIntrinsicError(`${fn} needs strings, got ${JSON.stringify(value)}`);
  return String(value);
};

const asList = (value: unknown, fn: string) => {
  if (!Array.isArray(value))
    throw new UnresolvableIntrinsicError(`${fn} needs a list, got ${JSON.stringify(value)}`);
  return value;
};

// ${Name}, ${Logical.Attribute}; ${!Literal} stands for the text ${Literal}.
const substitute = (template: string, variables: Record<string, unknown>, ctx: IntrinsicContext) =>
  template.replace(/\$\{(!?)([^}]+)\}/g, (_, bang: string, name: string) => {
    if (bang) return `\${${name}}`;
    if (name in variables) return asString(variables[name], 'Fn::Sub');
    return asString(name.includes('.') ? getAtt(name, ctx) : pseudoParameter(name, ctx), 'Fn::Sub');
  });

const getAtt = (name: string, ctx: IntrinsicContext) => {
  if (ctx.refs && name in ctx.refs) return ctx.refs[name];
  throw new UnresolvableIntrinsicError(`Fn::GetAtt ${name} has no value (pass it in refs as "${name}")`);
};

const resolveFunction = (name: string, arg: unknown, ctx: IntrinsicContext): unknown => {
  const r = (value: unknown) => resolve(value, ctx);
  switch (name) {
    case 'Ref':
      return pseudoParameter(asString(arg, 'Ref'), ctx);
    case 'Fn::Join': {
      const [separator, list] = asList(arg, name);
      return asList(r(list), name)
        .map((part) => asString(r(part), name))
        .join(asString(separator, name));
    }
    case 'Fn::Select': {
      const [index, list] = asList(arg, name);
      const items = asList(r(list), name);
      const i = Number(r(index));
      if (!Number.isInteger(i) || i < 0 || i >= items.length)
        throw new UnresolvableIntrinsicError(`Fn::Select index ${i} out of range`);
      return r(items[i]);
    }
    case 'Fn::Split': {
      const [separator, source] = asList(arg, name);
      return asString(r(source), name).split(asString(separator, name));
    }
    case 'Fn::Sub': {
      if (typeof arg === 'string') return substitute(arg, {}, ctx);
      const [template, variables] = asList(arg, name);
      return substitute(asString(template, name), r(variables ?? {}) as Record<string, unknown>, ctx);
    }
    case 'Fn::GetAtt': {
      const path = Array.isArray(arg)
        ? arg.map((part) => asString(r(part), name)).join('.')
        : asString(arg, name);
      return getAtt(path, ctx);
    }
    case 'Fn::FindInMap': {
      const [map, top, second] = asList(arg, name).map((part) => asString(r(part), name));
      const found = ctx.mappings?.[map!]?.[top!]?.[second!];
      if (found === undefined)
        throw new UnresolvableIntrinsicError(`Fn::FindInMap ${map}.${top}.${second} not found`);
      return found;
    }
  }
  throw new UnresolvableIntrinsicError(`${name} is not supported`);
};

const isIntrinsic = (key: string) => key === 'Ref' || key.startsWith('Fn::');

const resolve = (value: unknown, ctx: IntrinsicContext): unknown => {
  if (Array.isArray(value))
    return value.map((item) => resolve(item, ctx)).filter((item) => item !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && isIntrinsic(entries[0]![0]))
    return resolveFunction(entries[0]![0], entries[0]![1], ctx);
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = resolve(item, ctx);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
};

/**
 * A template fragment with its intrinsics (Ref, Fn::Join, Fn::Select, Fn::Split, Fn::Sub, Fn::GetAtt,
 * Fn::FindInMap) replaced by their values; throws UnresolvableIntrinsicError naming what it could not
 * resolve (a Ref to a resource it was not given, Fn::If, Fn::ImportValue...).
 */
export const resolveIntrinsics = <T = unknown>(value: unknown, ctx: IntrinsicContext): T => {
  const resolved = resolve(value, ctx);
  if (resolved === NO_VALUE) throw new UnresolvableIntrinsicError('The value is AWS::NoValue');
  return resolved as T;
};
