/* A file's pages in the page cache: how many are there, and dropping them, so that the next
 * reader reads the file anew (a cold load; fresh pages, wherever the kernel puts them now). No
 * root needed. */
#ifndef RZB_PAGE_CACHE_H
#define RZB_PAGE_CACHE_H

/* The fraction of the file's pages in the page cache (mincore over a fresh mapping, which faults
 * nothing in); NaN when it cannot be checked. */
double rzb_page_cache_resident(const char *path);

/* Writes back and drops the file's pages (pages some process still maps stay), then returns the
 * resident fraction left; NaN when eviction or the check failed. */
double rzb_page_cache_evict(const char *path);

#endif
