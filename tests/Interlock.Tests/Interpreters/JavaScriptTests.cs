using Interlock.Core.Interpreters;
using Xunit;
using static Interlock.Core.Interpreters.ScriptFindingKind;

namespace Interlock.Tests.Interpreters;

public class JavaScriptTests
{
    private const ScriptLanguage Js = ScriptLanguage.JavaScript;

    [Theory]
    [InlineData("require('fs').rmSync('/tmp/x', {recursive: true, force: true})", "fs.rmSync", "/tmp/x", true)]
    [InlineData("const fs = require('fs'); fs.rmSync('a')", "fs.rmSync", "a", false)]
    [InlineData("fs.rmSync('b', { recursive: false })", "fs.rmSync", "b", false)]
    [InlineData("fs.rmdirSync('d', { recursive: true })", "fs.rmdirSync", "d", true)]
    [InlineData("fs.unlinkSync(\"f\")", "fs.unlinkSync", "f", false)]
    [InlineData("fs.rm('/x', {recursive:true}, () => {})", "fs.rm", "/x", true)]
    [InlineData("fs.unlink('/y', err => {})", "fs.unlink", "/y", false)]
    [InlineData("fs.promises.rm('/x', { recursive: true })", "fs.promises.rm", "/x", true)]
    [InlineData("const fsp = require('fs/promises'); fsp.rm('/y')", "fs.promises.rm", "/y", false)]
    [InlineData("const fsPromises = require('fs').promises; fsPromises.rmdir('/z')", "fs.promises.rmdir", "/z", false)]
    [InlineData("import { rm } from 'node:fs/promises'; await rm('/z', {recursive: true})", "fs.promises.rm", "/z", true)]
    [InlineData("import * as fs from 'fs'; fs.unlinkSync('/a')", "fs.unlinkSync", "/a", false)]
    [InlineData("const { rmSync: nuke } = require('node:fs'); nuke('/n', {recursive: true})", "fs.rmSync", "/n", true)]
    [InlineData("fs['rmSync']('/q')", "fs.rmSync", "/q", false)]
    [InlineData("fs.rmSync(p, { recursive: true })", "fs.rmSync", null, true)]
    [InlineData("fs.rmSync(`/tmp/${name}`)", "fs.rmSync", null, false)]
    [InlineData("Deno.remove('/x', { recursive: true })", "Deno.remove", "/x", true)]
    [InlineData("Deno.removeSync('/f')", "Deno.removeSync", "/f", false)]
    public void Deletions(string code, string api, string? argument, bool recursive) =>
        Check.Expect(code, Js, DeletePath, api, argument, recursive);

    [Theory]
    [InlineData("require('child_process').execSync('rm -rf /')", "child_process.execSync", "rm -rf /")]
    [InlineData("const cp = require('child_process'); cp.exec('ls -la', cb)", "child_process.exec", "ls -la")]
    [InlineData("const { execSync } = require('child_process'); execSync('whoami')", "child_process.execSync", "whoami")]
    [InlineData("const { exec: run } = require(\"child_process\"); run(\"id\")", "child_process.exec", "id")]
    [InlineData("import { spawn } from 'child_process'; spawn('rm', ['-rf', '/'])", "child_process.spawn", "rm -rf /")]
    [InlineData("const {spawnSync} = require('child_process'); spawnSync('sh', ['-c', 'rm -rf /tmp'])", "child_process.spawnSync", "rm -rf /tmp")]
    [InlineData("child_process.execFileSync('ls', ['-l', 'my dir'])", "child_process.execFileSync", "ls -l 'my dir'")]
    [InlineData("cp = require('child_process'); cp.spawn('ls', ['-l'], {shell: true})", "child_process.spawn", "ls -l")]
    [InlineData("import cp from 'node:child_process'; cp.execSync(`rm -rf /tmp`)", "child_process.execSync", "rm -rf /tmp")]
    [InlineData("require('child_process').execSync('rm ' + '-rf /')", "child_process.execSync", "rm -rf /")]
    [InlineData("require('child_process').execSync('echo \\u0041\\x42\\n')", "child_process.execSync", "echo AB\n")]
    [InlineData("new Deno.Command('rm', { args: ['-rf', '/'] }).outputSync()", "Deno.Command", "rm -rf /")]
    [InlineData("Deno.run({ cmd: ['ls', '-l'] })", "Deno.run", "ls -l")]
    [InlineData("Bun.spawn(['rm', '-rf', '/'])", "Bun.spawn", "rm -rf /")]
    [InlineData("Bun.spawnSync({ cmd: ['echo', 'a;b'] })", "Bun.spawnSync", "echo 'a;b'")]
    [InlineData("eval(\"require('child_process').execSync('reboot')\")", "child_process.execSync", "reboot")]
    [InlineData("console.log(`${require('child_process').execSync('id')}`)", "child_process.execSync", "id")]
    [InlineData("a = b / c; require('child_process').execSync('ls')", "child_process.execSync", "ls")]
    [InlineData("import { execSync } from 'child_process'; execSync('ls')", "child_process.execSync", "ls")]
    [InlineData("let cp = require('child_process'); cp.execSync('ls'); cp = null", "child_process.execSync", "ls")]
    [InlineData("require('fs')?.existsSync; require('child_process')?.execSync('ls')", "child_process.execSync", "ls")]
    [InlineData("const re = /'/; require('child_process').execSync('ls')", "child_process.execSync", "ls")]
    public void ShellCommands(string code, string api, string argument) => Check.Expect(code, Js, ShellCommand, api, argument);

    [Theory]
    [InlineData("require('child_process').execSync(cmd)", "child_process.execSync")]
    [InlineData("require('child_process').execSync(`rm -rf ${dir}`)", "child_process.execSync")]
    [InlineData("require('child_process').spawn(prog, ['-rf'])", "child_process.spawn")]
    [InlineData("require('child_process').spawn('rm', args)", "child_process.spawn")]
    [InlineData("eval(code)", "eval")]
    [InlineData("globalThis.eval(x)", "eval")]
    [InlineData("new Function(body)()", "Function")]
    [InlineData("vm.runInNewContext(src)", "vm.runInNewContext")]
    public void NonLiteralsAreDynamic(string code, string api) => Check.Expect(code, Js, DynamicCode, api, null);

    [Theory]
    [InlineData("fs.writeFileSync('/etc/hosts', 'x')", "fs.writeFileSync", "/etc/hosts")]
    [InlineData("import fs from \"node:fs\"; fs.writeFileSync(\"b\", \"x\")", "fs.writeFileSync", "b")]
    [InlineData("require('fs').promises.writeFile(target, data)", "fs.promises.writeFile", null)]
    [InlineData("fs.createWriteStream('out.log')", "fs.createWriteStream", "out.log")]
    [InlineData("Deno.writeTextFileSync('/x', 'y')", "Deno.writeTextFileSync", "/x")]
    public void Writes(string code, string api, string? argument) => Check.Expect(code, Js, WriteFile, api, argument);

    [Theory]
    [InlineData("console.log('rm -rf /')")]
    [InlineData("console.log(\"require('child_process').execSync('rm -rf /')\")")]
    [InlineData("// fs.rmSync('/')\nconsole.log(1)")]
    [InlineData("/* require('child_process').execSync('rm -rf /') */ let x = 1")]
    [InlineData("const s = `fs.rmSync('/', {recursive: true})`")]
    [InlineData("const x = /execSync\\('rm -rf \\/'\\)/; console.log(x)")]
    [InlineData("new Function('return 1')")]
    [InlineData("eval('1 + 1')")]
    [InlineData("fs.createWriteStream('log', { flags: 'a' })")]
    [InlineData("setTimeout(() => fs.existsSync('/'), 10)")]
    [InlineData("#!/usr/bin/env node\nconsole.log(process.argv)")]
    [InlineData("obj.rm = 1; x.unlink")]
    public void HarmlessCode(string code) => Check.None(code, Js);

    [Theory]
    [InlineData("console.log(\"abc")]
    [InlineData("const t = `abc ${x}")]
    [InlineData("/* never closed")]
    [InlineData("let s = 'line\nbreak'")]
    public void MalformedIsIndeterminate(string code) => Assert.Equal(Indeterminate, Check.One(code, Js).Kind);
}
