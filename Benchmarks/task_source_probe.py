"""Probe for a task-source signal, on real prompts: do accounts that sweep one task source look
alike once each account's own wording is removed, when ordinary users and single-tenant apps do not?

Groundwork for the paraphrasing operator (issue 15): every account words its requests its own way,
so no template ties them, but they sweep disjoint items of one task distribution. This probe builds
accounts from the real corpora in ../shared/data (not from the simulator, whose vocabulary is
small): sweeps of ifbench and HumanEval items, each account with its own opener, ask and sign-off;
300 ordinary users of ShareGPT prompts; and 26 apps, each a private wrapper around one topic's
ShareGPT prompts (three apps per topic: the hard negatives). Per account, the words found in at
least 80% of its prompts (its wrapper) are dropped, the rest weighted by TF-IDF, prompts
L2-normalised and averaged; accounts are compared by cosine.

    python3 Benchmarks/task_source_probe.py [--data ../shared/data] [--seed 7]

Prints the cosine distribution per kind of pair, and per threshold how many accounts of each kind
have at least 4 neighbours above it. Needs only the Python standard library.
"""
import argparse
import os
import sys
import gzip, json, random, re, math, collections

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
parser.add_argument("--seed", type=int, default=7)
options = parser.parse_args()
for name in ("humaneval", "ifbench", "sharegpt-a"):
    if not os.path.exists(os.path.join(options.data, f"{name}.jsonl.gz")):
        print(f"skipped: {os.path.join(options.data, name + '.jsonl.gz')} is absent (the probe needs the real corpora; see ../shared/data/README.md)", file=sys.stderr)
        sys.exit(0)
random.seed(options.seed)
load = lambda f: [json.loads(l)['text'] for l in gzip.open(os.path.join(options.data, f'{f}.jsonl.gz'), 'rt')]
he, ib, sg = load('humaneval'), load('ifbench'), load('sharegpt-a')
sg=[t for t in sg if 20 < len(t) < 3000]
openers=["", "Hi, ", "Hey! ", "Quick question. ", "For a study group, ", "Got stuck here. ", "Hello. ", "Please help: "]
asks=["I need a fully worked solution.", "Give me the complete answer, not just the result.", "Lay out the whole thing so I can follow it.",
      "Write it up like a model answer.", "Be thorough and justify each step.", "A detailed answer, please.", "Explain the approach thoroughly, then answer."]
signs=["", " Thanks!", " Thank you.", " Cheers."]
def style():
    o,a,s=random.choice(openers),random.choice(asks),random.choice(signs); first=random.random()<.5
    return lambda t: (o+a+"\n\n"+t+s) if first else (o+t+"\n"+a+s)
accounts={}  # id -> (kind, prompts)
def sweep(name, items, n_acc, per):
    items=items[:]; random.shuffle(items)
    for i in range(n_acc):
        w=style(); chunk=items[i*per:(i+1)*per]
        if len(chunk)<per: break
        accounts[f'{name}-{i}']=('sweep:'+name, [w(t) for t in chunk])
sweep('ifbench', ib, 24, 12)
sweep('humaneval', he, 13, 12)
# ordinary users
pool=sg[:]; random.shuffle(pool)
for i in range(300): accounts[f'user-{i}']=('user', pool[i*12:(i+1)*12])
# apps: private wrapper around a topic's prompts
topics={'code':r'\b(python|javascript|function|code|react|sql|java)\b','email':r'\bemail\b','story':r'\b(story|poem)\b','marketing':r'\b(marketing|seo|ads?)\b','essay':r'\b(essay|article|blog)\b','business':r'\b(business|startup|company)\b','math':r'\b(calculate|equation|probability|solve)\b','translate':r'\btranslat','resume':r'\b(resume|cv|cover letter)\b','explain':r'^(explain|what is|what are)'}
rest=pool[300*12:]
for k,(topic,rx) in enumerate(topics.items()):
    items=[t for t in rest if re.search(rx,t.lower())]; random.shuffle(items)
    for j in range(3):
        pre=random.choice(["You are helping a customer of Acme. ","Context: user request from our app.\n","[task]\n",""]); post=random.choice(["","\nAnswer concisely.","\nRespond in markdown."])
        chunk=items[j*12:(j+1)*12]
        if len(chunk)==12: accounts[f'app-{topic}-{j}']=('app:'+topic,[pre+t+post for t in chunk])
def toks(t): return ['<num>' if w[0].isdigit() else w for w in re.findall(r"[a-z]+|\d+",t.lower())]
# per-account constant words (wrapper): tokens present in >=80% of its prompts
docs={}
df=collections.Counter(); N=0
for a,(k,ps) in accounts.items():
    ts=[toks(p) for p in ps]
    c=collections.Counter(w for t in ts for w in set(t))
    const={w for w,n in c.items() if n>=0.8*len(ts)}
    ts=[[w for w in t if w not in const] for t in ts]
    docs[a]=ts
    for t in ts: df.update(set(t)); N+=1
def vec(ts):
    v=collections.Counter()
    for t in ts:
        tf=collections.Counter(t); w={x:(1+math.log(c))*math.log(N/(1+df[x])) for x,c in tf.items()}
        n=math.sqrt(sum(y*y for y in w.values())) or 1
        for x,y in w.items(): v[x]+=y/n/len(ts)
    n=math.sqrt(sum(y*y for y in v.values())) or 1
    return {x:y/n for x,y in v.items()}
V={a:vec(ts) for a,ts in docs.items()}
def cos(x,y):
    if len(x)>len(y): x,y=y,x
    return sum(v*y.get(k,0) for k,v in x.items())
ids=list(V); kind={a:accounts[a][0] for a in ids}
S={}
for i in range(len(ids)):
    for j in range(i+1,len(ids)):
        S[(ids[i],ids[j])]=cos(V[ids[i]],V[ids[j]])
def group(k): return k.split(':')[0]
pairs=collections.defaultdict(list)
for (a,b),s in S.items():
    ka,kb=kind[a],kind[b]
    if ka.startswith('sweep') and ka==kb: pairs['same sweep'].append(s)
    elif ka.startswith('sweep') or kb.startswith('sweep'): pairs['sweep-other'].append(s)
    elif ka.startswith('app') and ka==kb: pairs['same-topic apps'].append(s)
    else: pairs['benign-benign'].append(s)
for k,xs in pairs.items():
    xs.sort(); print(f'{k:16s} n={len(xs):6d}', [round(xs[int(q*(len(xs)-1))],3) for q in (0,.5,.9,.99,1)])
for tau in (0.15,0.2,0.25,0.3):
    nb=collections.Counter()
    for (a,b),s in S.items():
        if s>=tau: nb[a]+=1; nb[b]+=1
    res=collections.defaultdict(list)
    for a in ids: res[group(kind[a]) if not kind[a].startswith('sweep') else kind[a]].append(nb[a])
    print('tau',tau,{k:(sum(1 for x in v if x>=4),len(v)) for k,v in res.items()}, '(accounts with >=4 neighbours / all)')
