/* SPDX-License-Identifier: MIT */
/* The one writer: atomic private files, and the descriptor-relative calls
 * the batch writes with. Nothing half-made is ever left behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dyd.h"
#include "failalloc.h"
#include "output.h"
#include "testutil.h"

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = make_tmpdir();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rm_tree(dir);
	free(dir);
	return 0;
}

static const char *in_dir(const char *name)
{
	return join(dir, name);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static void assert_content(const char *path, const char *want)
{
	char *got = slurp(path, NULL);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_write_is_private_and_keeps_what_is_there(void **state)
{
	dyd_write_options force = DYD_WRITE_OPTIONS_INIT;
	dyd_diags diags = DYD_DIAGS_INIT;
	char path[4096];

	(void)state;
	snprintf(path, sizeof(path), "%s", in_dir("b.zip"));
	umask(0);
	assert_int_equal(dyd_output_write(path, "one", 3, NULL, &diags), 0);
	umask(022);
	assert_int_equal(mode_of(path), 0600);
	assert_content(path, "one");
	/* There already: refused, and the old bytes stay. */
	assert_int_equal(dyd_output_write(path, "two", 3, NULL, &diags),
			 DYD_EIO);
	assert_string_equal(diags.items[0].message,
			    "already exists; use --force to replace it");
	assert_content(path, "one");
	force.force = true;
	assert_int_equal(dyd_output_write(path, "two", 3, &force, &diags), 0);
	assert_content(path, "two");
	assert_int_equal(count_entries(dir), 1); /* no temporary left */
	dyd_diags_release(&diags);
	unlink(path);
}

static bool yes(void *arg)
{
	++*(int *)arg;
	return true;
}

static void test_write_failures_leave_nothing(void **state)
{
	dyd_write_options cancel = DYD_WRITE_OPTIONS_INIT;
	dyd_diags diags = DYD_DIAGS_INIT;
	char path[4096];
	int asked = 0;

	(void)state;
	/* Cancelled just before the rename: nothing, not even the
	 * temporary. */
	cancel.cancelled = yes;
	cancel.arg = &asked;
	snprintf(path, sizeof(path), "%s", in_dir("c.zip"));
	assert_int_equal(dyd_output_write(path, "x", 1, &cancel, &diags),
			 DYD_ECANCELED);
	assert_int_equal(asked, 1);
	assert_int_equal(count_entries(dir), 0);
	/* A directory in the way, and a directory that is not there. */
	assert_int_equal(dyd_output_write(dir, "x", 1, NULL, &diags), DYD_EIO);
	assert_non_null(strstr(diags.items[0].message, "is a directory"));
	snprintf(path, sizeof(path), "%s", in_dir("no/such/x.zip"));
	assert_int_equal(dyd_output_write(path, "x", 1, NULL, &diags), DYD_EIO);
	assert_non_null(strstr(diags.items[1].message,
			       "cannot create a temporary file in"));
	assert_non_null(strstr(diags.items[1].message, "No such file"));
	/* Out of memory before anything is made. */
	snprintf(path, sizeof(path), "%s", in_dir("m.zip"));
	fail_after(0);
	assert_int_equal(dyd_output_write(path, "x", 1, NULL, &diags),
			 DYD_ENOMEM);
	fail_never();
	assert_int_equal(count_entries(dir), 0);
	dyd_diags_release(&diags);
}

static void test_temp_names_are_new_each_time(void **state)
{
	int dfd = output_dir_open(AT_FDCWD, dir);
	char *names[50];
	int i, j;

	(void)state;
	assert_true(dfd >= 0);
	for (i = 0; i < 50; i++) {
		assert_int_equal(
		    output_temp_write(dfd, "t-", "abc", 3, i % 2, &names[i]),
		    0);
		assert_int_equal(strncmp(names[i], "t-", 2), 0);
		assert_int_equal(strlen(names[i]), 8);
		for (j = 0; j < i; j++)
			assert_string_not_equal(names[i], names[j]);
		assert_int_equal(mode_of(in_dir(names[i])), 0600);
	}
	assert_int_equal(count_entries(dir), 50);
	for (i = 0; i < 50; i++) {
		assert_int_equal(output_remove(dfd, names[i]), 0);
		free(names[i]);
	}
	/* ENOMEM for the name: no file, errno says why. */
	fail_after(0);
	assert_int_equal(output_temp_write(dfd, "t-", "x", 1, false, &names[0]),
			 -1);
	fail_never();
	assert_int_equal(errno, ENOMEM);
	assert_null(names[0]);
	assert_int_equal(count_entries(dir), 0);
	close(dfd);
}

static void test_rename_never_replaces_unless_asked(void **state)
{
	int dfd = output_dir_open(AT_FDCWD, dir), sub;
	char *tmp;

	(void)state;
	assert_int_equal(output_dir_create(dfd, "sub"), 0);
	assert_int_equal(output_dir_create(dfd, "sub"), 0); /* idempotent */
	assert_int_equal(mode_of(in_dir("sub")), 0700);
	sub = output_dir_open(dfd, "sub");
	assert_true(sub >= 0);
	assert_int_equal(output_temp_write(sub, "b-", "new", 3, true, &tmp), 0);
	assert_int_equal(output_file_overwrite(dfd, "x.zip", "old", 3, NULL),
			 0);
	assert_int_equal(output_rename(sub, tmp, dfd, "x.zip", false), -1);
	assert_int_equal(errno, EEXIST);
	assert_content(in_dir("x.zip"), "old");
	assert_int_equal(output_rename(sub, tmp, dfd, "x.zip", true), 0);
	assert_content(in_dir("x.zip"), "new");
	assert_int_equal(count_entries(in_dir("sub")), 0);
	assert_int_equal(output_dir_sync(sub), 0);
	assert_int_equal(output_fs_sync(dfd), 0);
	assert_int_equal(output_dir_remove(dfd, "sub"), 0);
	assert_int_equal(output_remove(dfd, "x.zip"), 0);
	free(tmp);
	close(sub);
	close(dfd);
}

static void test_overwrite_append_truncate(void **state)
{
	int dfd = output_dir_open(AT_FDCWD, dir), fd;

	(void)state;
	assert_int_equal(
	    output_file_overwrite(dfd, "j", "a longer text", 13, NULL), 0);
	assert_int_equal(output_file_overwrite(dfd, "j", "short", 5, NULL), 0);
	assert_content(in_dir("j"), "short");
	assert_int_equal(mode_of(in_dir("j")), 0600);
	fd = output_file_open(dfd, "r", OUTPUT_CREATE | OUTPUT_APPEND, NULL);
	assert_true(fd >= 0);
	assert_int_equal(output_append(fd, "1\n", 2), 0);
	close(fd);
	/* Again: appends, keeps. A new file it must be, it is not. */
	assert_int_equal(
	    output_file_open(dfd, "r", OUTPUT_CREATE | OUTPUT_EXCL, NULL), -1);
	assert_int_equal(errno, EEXIST);
	fd = output_file_open(dfd, "r", OUTPUT_APPEND, NULL);
	assert_int_equal(output_append(fd, "2\n", 2), 0);
	assert_content(in_dir("r"), "1\n2\n");
	assert_int_equal(output_fd_truncate(fd, 2), 0);
	assert_content(in_dir("r"), "1\n");
	assert_int_equal(output_append(fd, "3\n", 2), 0); /* at the end */
	assert_content(in_dir("r"), "1\n3\n");
	/* A patch in place, on the appending descriptor (where Linux's
	 * pwrite() would append), and appends still go to the end. */
	assert_int_equal(output_fd_patch(fd, 2, "4", 1), 0);
	assert_content(in_dir("r"), "1\n4\n");
	assert_int_equal(output_append(fd, "5\n", 2), 0);
	assert_content(in_dir("r"), "1\n4\n5\n");
	close(fd);
	assert_int_equal(output_file_sync(dfd, "r"), 0);
	assert_int_equal(output_file_open(dfd, "missing", 0, NULL), -1);
	assert_int_equal(errno, ENOENT);
	output_remove(dfd, "r");
	output_remove(dfd, "j");
	close(dfd);
}

/* Names dyd uses in a directory others may have written to: a link is
 * never followed, a file that is not a regular one of this user with
 * one link is neither opened again nor removed, and what it leads to is
 * left as it was. */
static void test_planted_names_are_refused(void **state)
{
	int dfd = output_dir_open(AT_FDCWD, dir), fd;
	const char *why = NULL;

	(void)state;
	write_file(in_dir("precious"), "keep", 4);
	assert_int_equal(symlink("precious", in_dir("link")), 0);
	assert_int_equal(link(in_dir("precious"), in_dir("hard")), 0);
	assert_int_equal(mkfifo(in_dir("fifo"), 0600), 0);
	assert_int_equal(output_file_overwrite(dfd, "link", "lost", 4, &why),
			 -1);
	assert_non_null(strstr(why, "symbolic link"));
	assert_int_equal(output_file_open(dfd, "link", OUTPUT_CREATE, &why),
			 -1);
	assert_int_equal(output_file_open(dfd, "hard", OUTPUT_APPEND, &why),
			 -1);
	assert_int_equal(errno, EPERM);
	assert_non_null(strstr(why, "hard link"));
	assert_int_equal(output_file_overwrite(dfd, "hard", "lost", 4, &why),
			 -1);
	assert_int_equal(output_file_open(dfd, "fifo", 0, &why), -1);
	assert_string_equal(why, "a FIFO");
	assert_content(in_dir("precious"), "keep");
	/* Removal of a name found on disk: only a regular file. */
	assert_int_equal(output_remove_own(dfd, "link", &why), -1);
	assert_int_equal(output_remove_own(dfd, "fifo", &why), -1);
	assert_int_equal(output_remove_own(dfd, "hard", &why), 0);
	assert_content(in_dir("precious"), "keep");
	/* A link as the directory itself. */
	assert_int_equal(symlink(".", in_dir("dirlink")), 0);
	assert_int_equal(output_dir_open(dfd, "dirlink"), -1);
	fd = output_dir_open(dfd, ".");
	assert_true(fd >= 0);
	close(fd);
	unlink(in_dir("dirlink"));
	unlink(in_dir("link"));
	unlink(in_dir("fifo"));
	unlink(in_dir("precious"));
	close(dfd);
}

/* Only a directory of this user's that others cannot write to is fit
 * for private files. */
static void test_private_directories(void **state)
{
	int dfd = output_dir_open(AT_FDCWD, dir), sub;
	const char *why = NULL;

	(void)state;
	assert_int_equal(output_dir_create(dfd, "p"), 0);
	sub = output_dir_open(dfd, "p");
	assert_int_equal(output_dir_private(sub, &why), 0);
	assert_null(why);
	assert_int_equal(chmod(in_dir("p"), 0770), 0);
	assert_int_equal(output_dir_private(sub, &why), -1);
	assert_non_null(strstr(why, "others may write"));
	assert_int_equal(chmod(in_dir("p"), 01777), 0);
	assert_int_equal(output_dir_private(sub, &why), -1);
	assert_int_equal(chmod(in_dir("p"), 0755), 0);
	assert_int_equal(output_dir_private(sub, &why), 0);
	/* Another user's (only root can give it away). */
	if (geteuid() == 0) {
		assert_int_equal(fchown(sub, 65534, (gid_t)-1), 0);
		assert_int_equal(output_dir_private(sub, &why), -1);
		assert_non_null(strstr(why, "another user"));
	}
	close(sub);
	output_dir_remove(dfd, "p");
	close(dfd);
}

/* The lock of a run: a second taker fails at once, and after the
 * holder is done (removing the file) the next one gets it. */
static void test_lock(void **state)
{
	int dfd = output_dir_open(AT_FDCWD, dir), held, again;
	pid_t pid;
	int status;

	(void)state;
	held = output_lock(dfd, "l.lock", NULL);
	assert_true(held >= 0);
	/* Another process, as flock(2) locks are per open file. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(output_lock(dfd, "l.lock", NULL) < 0 &&
			      errno == EWOULDBLOCK
			  ? 0
			  : 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	output_unlock(dfd, "l.lock", held);
	assert_int_equal(access(in_dir("l.lock"), F_OK), -1);
	again = output_lock(dfd, "l.lock", NULL);
	assert_true(again >= 0);
	output_unlock(dfd, "l.lock", again);
	close(dfd);
}

/* An append that fails part way (here at the file size limit, as it
 * would on a full disk) leaves the file as it was, not with half a line
 * that a reader would take for a damaged one. */
static void test_failed_append_leaves_the_file_as_it_was(void **state)
{
	struct rlimit old, small;
	int dfd, fd, rc, err;

	(void)state;
	dfd = output_dir_open(AT_FDCWD, dir);
	assert_true(dfd >= 0);
	fd = output_file_open(dfd, "cut", OUTPUT_CREATE | OUTPUT_APPEND, NULL);
	assert_true(fd >= 0);
	assert_int_equal(output_append(fd, "1234567\n", 8), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 12; /* room for 4 bytes of the next line */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	rc = output_append(fd, "abcdefghij\n", 11);
	err = errno;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(rc, -1);
	assert_int_equal(err, EFBIG);
	assert_content(in_dir("cut"), "1234567\n");
	/* And the next append goes on from there. */
	assert_int_equal(output_append(fd, "89\n", 3), 0);
	assert_content(in_dir("cut"), "1234567\n89\n");
	close(fd);
	output_remove(dfd, "cut");
	close(dfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_write_is_private_and_keeps_what_is_there),
	    cmocka_unit_test(test_write_failures_leave_nothing),
	    cmocka_unit_test(test_temp_names_are_new_each_time),
	    cmocka_unit_test(test_rename_never_replaces_unless_asked),
	    cmocka_unit_test(test_overwrite_append_truncate),
	    cmocka_unit_test(test_failed_append_leaves_the_file_as_it_was),
	    cmocka_unit_test(test_planted_names_are_refused),
	    cmocka_unit_test(test_private_directories),
	    cmocka_unit_test(test_lock),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
