// Stands in for the Mermaid diagram types, layouts and grammars the topology webview never uses
// (scripts/build.mjs, plugin mermaidFlowchartOnly): the webview draws flowcharts with the dagre
// layout only, so ELK, cytoscape, the langium grammars and the other diagrams stay out of the VSIX.
throw new Error('Docker Network Explorer bundles only the Mermaid flowchart with the dagre layout');
