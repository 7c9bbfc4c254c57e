#!/bin/sh
# /demo.sh inside the test VM (make demo): lvmm.ko is loaded; run the
# flat hello guest under vmctl. Its exit status is the demo's verdict.
exec vmctl run --flat /guests/hello.bin
