/* SPDX-License-Identifier: MIT */
/* Camera pixel formats -> the 8-bit gray plane zbar reads (see camera.h).
 *
 * GREY, NV12 and YUV420 carry luma as their first plane: the drivers hand that plane on
 * with its stride and never call us for them, except where rows must be packed. YUYV
 * interleaves luma with chroma (every other byte). MJPEG is decoded with libjpeg-turbo
 * straight to grayscale, which skips the colour conversion and the chroma upsampling. */
#include "camera/camera.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>

#define CONVERT_MAX_SIDE 8192

size_t cam_frame_bytes(int fmt, int width, int height, int stride)
{
	if (width <= 0 || height <= 0 || stride < width)
		return 0;
	switch (fmt) {
	case CAM_FMT_GREY:
	case CAM_FMT_NV12:
	case CAM_FMT_YUV420:
		return (size_t)stride * (height - 1) + (size_t)width;
	case CAM_FMT_YUYV:
		return stride < 2 * width ? 0 : (size_t)stride * (height - 1) + 2 * (size_t)width;
	default:
		return 0;
	}
}

/* libjpeg reports fatal errors through error_exit, which must not return: jump back. */
struct jpeg_fail {
	struct jpeg_error_mgr mgr;
	jmp_buf back;
};

static void jpeg_fail_exit(j_common_ptr cinfo)
{
	struct jpeg_fail *f = (struct jpeg_fail *)cinfo->err;
	longjmp(f->back, 1);
}

/* Warnings (a corrupt byte in an otherwise fine frame) are common from webcams: quiet. */
static void jpeg_quiet(j_common_ptr cinfo, int level)
{
	(void)cinfo;
	(void)level;
}

static int mjpeg_to_gray(const uint8_t *src, size_t size, int width, int height, uint8_t *dst)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_fail err;
	/* volatile: read after a longjmp */
	volatile int rc = CAM_ERR_INVALID;

	if (size < 4 || src[0] != 0xFF || src[1] != 0xD8)
		return CAM_ERR_INVALID;
	cinfo.err = jpeg_std_error(&err.mgr);
	err.mgr.error_exit = jpeg_fail_exit;
	err.mgr.emit_message = jpeg_quiet;
	jpeg_create_decompress(&cinfo);
	if (setjmp(err.back))
		goto out;
	jpeg_mem_src(&cinfo, src, (unsigned long)size);
	if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK)
		goto out;
	if ((int)cinfo.image_width != width || (int)cinfo.image_height != height)
		goto out;
	/* The Y of YCbCr is the gray we want; libjpeg drops the chroma without decoding it
	 * into pixels. */
	cinfo.out_color_space = JCS_GRAYSCALE;
	cinfo.dct_method = JDCT_IFAST;
	jpeg_start_decompress(&cinfo);
	while (cinfo.output_scanline < cinfo.output_height) {
		JSAMPROW row = dst + (size_t)cinfo.output_scanline * width;
		jpeg_read_scanlines(&cinfo, &row, 1);
	}
	jpeg_finish_decompress(&cinfo);
	rc = CAM_OK;
out:
	jpeg_destroy_decompress(&cinfo);
	return rc;
}

int cam_to_gray(int fmt, const uint8_t *src, size_t size, int width, int height, int stride,
		uint8_t *dst)
{
	if (!src || !dst || width <= 0 || height <= 0 || width > CONVERT_MAX_SIDE ||
	    height > CONVERT_MAX_SIDE)
		return CAM_ERR_INVALID;
	if (fmt == CAM_FMT_MJPEG)
		return mjpeg_to_gray(src, size, width, height, dst);
	size_t need = cam_frame_bytes(fmt, width, height, stride);
	if (need == 0 || size < need)
		return CAM_ERR_INVALID;
	switch (fmt) {
	case CAM_FMT_GREY:
	case CAM_FMT_NV12:
	case CAM_FMT_YUV420:
		for (int y = 0; y < height; y++)
			memcpy(dst + (size_t)y * width, src + (size_t)y * stride, (size_t)width);
		return CAM_OK;
	case CAM_FMT_YUYV:
		for (int y = 0; y < height; y++) {
			const uint8_t *row = src + (size_t)y * stride;
			uint8_t *o = dst + (size_t)y * width;
			for (int x = 0; x < width; x++)
				o[x] = row[2 * x];
		}
		return CAM_OK;
	}
	return CAM_ERR_INVALID;
}
