import { renderLessonMarkdown } from '../../src/courses';

describe('renderLessonMarkdown', () => {
  it('renders ordinary lesson Markdown', () => {
    const html = renderLessonMarkdown('# 标题\n\n- **要点**一\n- 要点二\n\n| 时间 | 事项 |\n|---|---|\n| 周一 | 班会 |\n\n[链接](https://example.edu.cn)');
    expect(html).toContain('<h2>标题</h2>');
    expect(html).toContain('<strong>要点</strong>');
    expect(html).toContain('<table>');
    expect(html).toContain('<a href="https://example.edu.cn" rel="noopener noreferrer">链接</a>');
  });

  const hostile: [string, string][] = [
    ['script tag', '<script>alert(1)</script>'],
    ['event handler', '<img src=x onerror="alert(1)">'],
    ['javascript: link', '[点我](javascript:alert(1))'],
    ['encoded javascript: link', '[点我](jav&#x09;ascript:alert(1))'],
    ['data: link', '[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['vbscript link', '[x](vbscript:msgbox(1))'],
    ['raw iframe', '<iframe src="https://evil.example"></iframe>'],
    ['svg with script', '<svg><script>alert(1)</script></svg>'],
    ['autolink javascript', '<javascript:alert(1)>'],
    ['style tag', '<style>body{display:none}</style>'],
    ['image with handler in title', '![a](https://x.example/a.png "x\\" onerror=\\"alert(1)")'],
  ];

  it.each(hostile)('neutralises %s', (_name, source) => {
    const html = renderLessonMarkdown(`正文\n\n${source}\n`);
    expect(html).not.toMatch(/<script|<iframe|<svg|<style|<img/i);
    expect(html).not.toMatch(/<[^>]*\son\w+=/i);
    expect(html).not.toMatch(/href="\s*(javascript|data|vbscript):/i);
  });
});
