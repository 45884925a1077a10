// A self-contained reference page: no CDN, no external assets. It renders /openapi.json in the browser.
export const docsPage = (): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d232a;background:#fafbfc}
header{background:#1d232a;color:#fff;padding:16px 32px}main{max-width:980px;margin:0 auto;padding:16px 32px}
h2{margin-top:32px;border-bottom:1px solid #ddd;text-transform:capitalize}
details{background:#fff;border:1px solid #e1e4e8;border-radius:6px;margin:8px 0;padding:8px 12px}
summary{cursor:pointer}.m{display:inline-block;min-width:64px;font-weight:700;font-family:monospace}
.GET{color:#0b7}.POST{color:#07c}.PUT{color:#b70}.PATCH{color:#a5b}.DELETE{color:#c33}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f3f4f6;padding:8px;overflow:auto}
</style></head><body><header><h1 id="title">API reference</h1><div id="desc"></div></header>
<main id="root">Loading /openapi.json…</main>
<script>
const esc=(s)=>String(s??'').replace(/[&<>"]/g,(c)=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
fetch('openapi.json').then((r)=>r.json()).then((doc)=>{
  document.getElementById('title').textContent=doc.info.title+' '+doc.info.version;
  document.getElementById('desc').textContent=doc.info.description||'';
  const groups={};
  for(const [path,ops] of Object.entries(doc.paths)) for(const [method,op] of Object.entries(ops)){
    const tag=(op.tags&&op.tags[0])||'other';(groups[tag]=groups[tag]||[]).push({path,method:method.toUpperCase(),op});
  }
  const schema=(s)=>'<pre>'+esc(JSON.stringify(s,null,2))+'</pre>';
  document.getElementById('root').innerHTML=Object.entries(groups).map(([tag,ops])=>'<h2>'+esc(tag)+'</h2>'+ops.map(({path,method,op})=>
    '<details><summary><span class="m '+method+'">'+method+'</span> <code>'+esc(path)+'</code> — '+esc(op.summary)+'</summary>'+
    (op.parameters?'<h4>Parameters</h4>'+schema(op.parameters):'')+
    (op.requestBody?'<h4>Request body</h4>'+schema(op.requestBody.content):'')+
    '<h4>Responses</h4>'+schema(op.responses)+'</details>').join('')).join('')+
    '<h2>Schemas</h2>'+schema((doc.components||{}).schemas||{});
}).catch((e)=>{document.getElementById('root').textContent='Could not load openapi.json: '+e});
</script></body></html>`;
